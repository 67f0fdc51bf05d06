//! Every SUBMIT_CMD buffer of every capture decodes with no unknown opcode,
//! and re-encoding each decoded command gives back the identical bytes.

use guest_protocol::capture::Capture;
use guest_protocol::virgl::{encode, Commands};
use guest_protocol::vtest::{DecodeErrorKind, Limits, Request};
use pv3d_tests::all_captures;
use std::collections::BTreeMap;

#[test]
fn every_capture_decodes_and_reencodes_exactly() {
    let mut per_opcode: BTreeMap<String, u64> = BTreeMap::new();
    let (mut buffers, mut commands, mut bytes) = (0u64, 0u64, 0u64);
    let captures = all_captures();
    for path in &captures {
        let name = path.file_name().unwrap().to_string_lossy();
        let capture = Capture::open(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        for conn in capture.connections() {
            for frame in conn.requests(Limits::default()) {
                let frame = match frame {
                    Ok(frame) => frame,
                    // A killed client may leave a half-sent last request.
                    Err(e) if matches!(e.kind, DecodeErrorKind::Truncated { .. }) => break,
                    Err(e) => panic!("{name} conn {}: vtest: {e}", conn.conn),
                };
                let Request::SubmitCmd(buf) = frame.request else {
                    continue;
                };
                buffers += 1;
                bytes += buf.as_bytes().len() as u64;
                let raw = buf.as_bytes();
                let mut decoder = Commands::new(raw);
                let mut start = 0;
                while let Some(item) = decoder.next() {
                    let (offset, cmd) = item.unwrap_or_else(|e| {
                        panic!(
                            "{name} conn {} SUBMIT_CMD at stream byte {}: {e}",
                            conn.conn, frame.offset
                        )
                    });
                    assert_eq!(offset, start);
                    let end = decoder.offset();
                    let mut again = Vec::new();
                    encode(&cmd, &mut again).unwrap();
                    assert!(
                        again == raw[offset..end],
                        "{name} conn {} SUBMIT_CMD at stream byte {}, command at +{offset}: \
                         re-encoding {cmd:?} differs",
                        conn.conn,
                        frame.offset
                    );
                    *per_opcode.entry(cmd.opcode().to_string()).or_default() += 1;
                    commands += 1;
                    start = end;
                }
                assert_eq!(start, raw.len(), "{name}: buffer not consumed");
            }
        }
    }
    println!(
        "{} captures: {buffers} command buffers, {commands} commands, {bytes} bytes, all re-encoded exactly",
        captures.len()
    );
    for (op, n) in &per_opcode {
        println!("  {n:>8}  {op}");
    }
    assert!(commands > 0);
}
