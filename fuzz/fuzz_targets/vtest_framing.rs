//! Fuzz the vtest framing codecs: the input is split into a client→server
//! stream fed in chunks to the server-side decoder (every decoded request must
//! re-encode to its own bytes, SUBMIT_CMD bodies go through the virgl decoder),
//! and the same bytes are fed as replies to the client-side decoder after the
//! handshake requests.
#![no_main]

use guest_protocol::virgl::Commands;
use guest_protocol::vtest::{Limits, ReplyDecoder, Request, RequestDecoder};
use libfuzzer_sys::fuzz_target;

/// Small limits so hostile lengths are hit quickly.
const LIMITS: Limits = Limits {
    max_name_bytes: 64,
    max_cmd_dwords: 4096,
    max_transfer_bytes: 1 << 16,
    max_caps_bytes: 4096,
};

fuzz_target!(|data: &[u8]| {
    let Some((&chunk_seed, stream)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk_seed % 61) + 1;

    let mut requests = RequestDecoder::new(LIMITS);
    'outer: for piece in stream.chunks(chunk) {
        requests.push(piece);
        loop {
            match requests.next_request() {
                Ok(Some(frame)) => {
                    let mut again = Vec::new();
                    if frame.request.encode_with_len(frame.header.len.get(), &mut again).is_ok() {
                        assert_eq!(again.len(), frame.size);
                    }
                    if let Request::SubmitCmd(buf) = frame.request {
                        for item in Commands::new(buf.as_bytes()) {
                            if item.is_err() {
                                break;
                            }
                        }
                    }
                }
                Ok(None) => break,
                Err(_) => break 'outer,
            }
        }
    }
    let _ = requests.finish();

    let mut replies: ReplyDecoder<u32> = ReplyDecoder::new(LIMITS);
    for req in [
        Request::PingProtocolVersion,
        Request::GetCaps2,
        Request::GetCaps,
    ] {
        replies.expect_request(&req);
    }
    for (i, piece) in stream.chunks(chunk).enumerate() {
        let fds = (piece.len() == 1).then_some(i as u32);
        replies.push(piece, fds);
        match replies.next_reply() {
            Ok(_) => {}
            Err(_) => break,
        }
    }
});
