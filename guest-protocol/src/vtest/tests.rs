//! Unit tests: the documented handshake, hostile inputs with their exact
//! errors, stream framing, and property tests of decode(encode(x)) == x.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::*;
use crate::le::{Le32, Le64};
use crate::wire::Dwords;
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;

const L: Limits = Limits::DEFAULT;

fn words(ws: &[u32]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_le_bytes()).collect()
}

fn enc(request: &Request<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    request.encode(&mut out).unwrap();
    out
}

fn enc_reply(reply: &Reply<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    reply.encode(&mut out).unwrap();
    out
}

fn one(buf: &[u8]) -> RequestFrame<'_> {
    match decode_request(buf, 0, &L).unwrap() {
        Progress::Done(frame) => frame,
        Progress::NeedMore { need } => panic!("needs {need}"),
    }
}

fn req_err(buf: &[u8]) -> DecodeError {
    let mut d = RequestDecoder::new(L);
    d.push(buf);
    loop {
        match d.next_request() {
            Ok(Some(_)) => {}
            Ok(None) => return d.finish().unwrap_err(),
            Err(e) => return e,
        }
    }
}

/// The handshake of vtest-protocol.md §4, byte for byte.
fn handshake_c2s() -> Vec<u8> {
    let mut c2s = words(&[9, 8]);
    c2s.extend_from_slice(b"glxgears\0");
    c2s.extend(words(&[0, 10, 2, 7, 0, 0, 1, 11, 2, 0, 9, 0, 1]));
    c2s
}

#[test]
fn decodes_the_documented_handshake() {
    let c2s = handshake_c2s();
    let mut d = RequestDecoder::default();
    d.push(&c2s);
    let mut got = Vec::new();
    while let Some(frame) = d.next_request().unwrap() {
        got.push((frame.offset, frame.request.cmd()));
        if let Request::CreateRenderer(cr) = frame.request {
            assert_eq!(cr.name, b"glxgears\0");
            assert_eq!(cr.name_str(), Some("glxgears"));
            assert_eq!(frame.header.len.get(), 9);
        }
        if let Request::ProtocolVersion(v) = frame.request {
            assert_eq!(v.version.get(), 2);
        }
    }
    d.finish().unwrap();
    assert_eq!(
        got,
        [
            (0, VCmd::CREATE_RENDERER),
            (17, VCmd::PING_PROTOCOL_VERSION),
            (25, VCmd::RESOURCE_BUSY_WAIT),
            (41, VCmd::PROTOCOL_VERSION),
            (53, VCmd::GET_CAPS2),
            (61, VCmd::GET_CAPS),
        ]
    );
    assert_eq!(d.offset(), c2s.len() as u64);
}

#[test]
fn decodes_the_documented_replies() {
    let caps2 = vec![0xabu8; 1376];
    let caps1 = vec![0xcdu8; 308];
    let mut s2c = words(&[0, 10, 1, 7, 0, 1, 11, 2, 1377, 2]);
    s2c.extend_from_slice(&caps2);
    s2c.extend(words(&[309, 1]));
    s2c.extend_from_slice(&caps1);
    // RESOURCE_CREATE2 at v2: no header, only the fd byte.
    s2c.push(0);

    let mut d: ReplyDecoder<i32> = ReplyDecoder::new(L);
    let c2s = handshake_c2s();
    for frame in crate::vtest::tests::frames(&c2s) {
        d.expect_request(&frame);
    }
    let rc2 = ResourceCreate2 {
        handle: 1.into(),
        data_size: 360_000.into(),
        ..Default::default()
    };
    d.expect_request(&Request::ResourceCreate2(rc2));
    d.push(&s2c[..s2c.len() - 1], []);
    d.push(&s2c[s2c.len() - 1..], [42]);
    let mut got = Vec::new();
    while let Some(m) = d.next_reply().unwrap() {
        got.push((m.frame.offset, m.frame.reply.name(), m.fds));
        match m.frame.reply {
            Reply::ProtocolVersion(v) => assert_eq!(v.version.get(), 2),
            Reply::Caps { version, caps } => match version {
                CapsVersion::V2 => assert_eq!(caps, &caps2[..]),
                CapsVersion::V1 => assert_eq!(caps, &caps1[..]),
            },
            _ => {}
        }
    }
    assert_eq!(
        got,
        [
            (0, "PING_PROTOCOL_VERSION", vec![]),
            (8, "RESOURCE_BUSY_WAIT", vec![]),
            (20, "PROTOCOL_VERSION", vec![]),
            (32, "CAPS_V2", vec![]),
            (1416, "CAPS_V1", vec![]),
            (1732, "FD", vec![42]),
        ]
    );
    assert_eq!(d.tracker().version(), 2);
    assert!(d.tracker().is_idle());
    d.finish().unwrap();
}

/// Decodes a whole stream of requests (test helper).
fn frames(buf: &[u8]) -> Vec<Request<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let f = match decode_request(&buf[pos..], pos as u64, &L).unwrap() {
            Progress::Done(f) => f,
            Progress::NeedMore { need } => panic!("needs {need}"),
        };
        pos += f.size;
        out.push(f.request);
    }
    out
}

#[test]
fn ping_is_skipped_for_a_server_without_it() {
    // A pre-v1 server answers only the busy-wait probe.
    let mut d: ReplyDecoder<()> = ReplyDecoder::new(L);
    d.expect_request(&Request::PingProtocolVersion);
    d.expect_request(&Request::ResourceBusyWait(ResourceBusyWait::default()));
    d.push(&words(&[1, 7, 1]), []);
    let m = d.next_reply().unwrap().unwrap();
    assert_eq!(
        m.frame.reply,
        Reply::ResourceBusyWait(BusyWaitReply { busy: 1.into() })
    );
    assert!(d.tracker().is_idle());
}

#[test]
fn v3_replies_follow_the_negotiated_version() {
    let mut d: ReplyDecoder<u8> = ReplyDecoder::new(L);
    d.expect_request(&Request::ProtocolVersion(ProtocolVersion {
        version: 3.into(),
    }));
    let rc2 = ResourceCreate2 {
        data_size: 8.into(),
        ..Default::default()
    };
    d.expect_request(&Request::ResourceCreate2(rc2));
    d.expect_request(&Request::ResourceCreate(ResourceCreate::default()));
    d.expect_request(&Request::SyncRead(SyncId { sync_id: 3.into() }));
    let mut s2c = words(&[1, 11, 3, 1, 12, 5]);
    d.push(&s2c, []);
    d.push(&[0], [7]);
    s2c = words(&[1, 2, 6, 2, 21, 0x89ab_cdef, 0x0123_4567]);
    d.push(&s2c, []);
    let mut got = Vec::new();
    while let Some(m) = d.next_reply().unwrap() {
        got.push((m.frame.reply.name(), m.fds));
    }
    assert_eq!(
        got,
        [
            ("PROTOCOL_VERSION", vec![]),
            ("RESOURCE_CREATE2", vec![]),
            ("FD", vec![7]),
            ("RESOURCE_CREATE", vec![]),
            ("SYNC_READ", vec![]),
        ]
    );
    // And the value decodes as one 64-bit number.
    let mut t = ReplyTracker::new(L);
    t.expect_request(&Request::SyncRead(SyncId::default()));
    let buf = words(&[2, 21, 0x89ab_cdef, 0x0123_4567]);
    let Progress::Done(f) = t.decode(&buf, 0).unwrap() else {
        panic!()
    };
    assert_eq!(
        f.reply,
        Reply::SyncRead(SyncReadReply {
            value: Le64::new(0x0123_4567_89ab_cdef)
        })
    );
}

#[test]
fn protocol0_transfers_carry_data_inline() {
    let data: Vec<u8> = (0..7).collect();
    let t = Transfer {
        handle: 1.into(),
        stride: 1216.into(),
        width: 300.into(),
        data_size: 7.into(),
        ..Default::default()
    };
    let put = Request::TransferPut {
        transfer: t,
        data: &data,
    };
    let bytes = enc(&put);
    // len = 11 + ceil(7 / 4) dwords, but only 44 + 7 bytes follow.
    assert_eq!(&bytes[..8], &words(&[13, 5])[..]);
    assert_eq!(bytes.len(), 8 + 44 + 7);
    assert_eq!(one(&bytes).request, put);

    let get = Request::TransferGet(t);
    let mut tracker = ReplyTracker::new(L);
    tracker.expect_request(&get);
    let reply = [9u8, 8, 7, 6, 5, 4, 3, 99];
    assert_eq!(
        tracker.decode(&reply[..3], 0).unwrap(),
        Progress::NeedMore { need: 7 }
    );
    let Progress::Done(f) = tracker.decode(&reply, 0).unwrap() else {
        panic!()
    };
    assert_eq!(f.reply, Reply::TransferGetData(&reply[..7]));
    assert_eq!(f.size, 7);
}

#[test]
fn transfer_put2_len_counts_data_that_is_not_sent() {
    let t = Transfer2 {
        handle: 4.into(),
        data_size: 25392.into(),
        ..Default::default()
    };
    let req = Request::TransferPut2(t);
    assert_eq!(req.canonical_len(), 6358);
    let bytes = enc(&req);
    assert_eq!(bytes.len(), 48);
    let f = one(&bytes);
    assert_eq!(f.header.len.get(), 6358);
    assert_eq!(f.request, req);
    // Any len re-encodes as it came.
    let mut out = Vec::new();
    req.encode_with_len(10, &mut out).unwrap();
    let f = one(&out);
    assert_eq!(f.header.len.get(), 10);
    let mut again = Vec::new();
    f.request
        .encode_with_len(f.header.len.get(), &mut again)
        .unwrap();
    assert_eq!(again, out);
}

#[test]
fn hostile_lengths_are_refused_before_buffering() {
    // SUBMIT_CMD of 2^32 - 1 dwords after one valid message: offset 8.
    let mut buf = words(&[0, 10]);
    buf.extend(words(&[u32::MAX, 6]));
    assert_eq!(
        req_err(&buf),
        DecodeError::new(
            8,
            VCmd::SUBMIT_CMD,
            DecodeErrorKind::TooLarge {
                field: "len",
                value: u64::from(u32::MAX),
                max: u64::from(MAX_CMDBUF_DWORDS)
            }
        )
    );
    // One over the limit is refused; the limit itself is framed.
    let over = words(&[MAX_CMDBUF_DWORDS + 1, 6]);
    assert!(matches!(
        req_err(&over).kind,
        DecodeErrorKind::TooLarge { .. }
    ));
    let at = words(&[MAX_CMDBUF_DWORDS, 6]);
    assert_eq!(
        request_size(&at, 0, &L).unwrap(),
        Size::Known(8 + MAX_CMDBUF_DWORDS as usize * 4)
    );
    // A configurable cap.
    let small = Limits {
        max_cmd_dwords: 4,
        ..L
    };
    assert!(request_size(&words(&[5, 6]), 0, &small).is_err());
    assert!(request_size(&words(&[4, 6]), 0, &small).is_ok());

    assert_eq!(
        req_err(&words(&[1 << 20, 8])).kind,
        DecodeErrorKind::TooLarge {
            field: "len (name bytes)",
            value: 1 << 20,
            max: 4096
        }
    );
    let mut put = words(&[11, 5]);
    put.extend(words(&[1, 0, 0, 0, 0, 0, 0, 1, 1, 1, u32::MAX]));
    assert_eq!(
        req_err(&put).kind,
        DecodeErrorKind::TooLarge {
            field: "data_size",
            value: u64::from(u32::MAX),
            max: 256 << 20
        }
    );
    // The decoder never asked for room beyond what arrived.
    let mut d = RequestDecoder::default();
    d.push(&words(&[u32::MAX, 6]));
    assert!(d.missing().is_err());
    assert!(d.recv_buf().len() <= 2 * codec::MIN_RECV_WINDOW);
    // A legal but large TRANSFER_PUT is received in bounded windows.
    let mut d = RequestDecoder::default();
    let mut big = words(&[11, 5]);
    big.extend(words(&[1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 200 << 20]));
    d.push(&big);
    assert_eq!(d.missing().unwrap(), 200 << 20);
    assert_eq!(d.recv_buf().len(), codec::MAX_RECV_WINDOW);
}

#[test]
fn wrong_lengths_and_unknown_ids() {
    for id in [0u32, 25, 0xffff_ffff] {
        let e = req_err(&words(&[0, id]));
        assert_eq!(
            e,
            DecodeError::new(0, VCmd(id), DecodeErrorKind::UnknownCommand)
        );
    }
    assert_eq!(
        req_err(&words(&[4, 23, 0, 0, 0, 0])).kind,
        DecodeErrorKind::BadLength {
            len: 4,
            expected: "2 + 3n"
        }
    );
    assert_eq!(
        req_err(&words(&[0, 24])).kind,
        DecodeErrorKind::BadLength {
            len: 0,
            expected: ">= 1"
        }
    );
    // SUBMIT_CMD2 claiming 2 batches in 7 dwords.
    assert_eq!(
        req_err(&words(&[7, 24, 2, 0, 0, 0, 0, 0, 0])).kind,
        DecodeErrorKind::TooLarge {
            field: "batch_count",
            value: 2,
            max: 1
        }
    );
    // Fixed-size commands are framed by id: a wrong len is kept, not trusted.
    let busy = words(&[0, 7, 5, 1]);
    let f = one(&busy);
    assert_eq!(f.size, 16);
    assert_eq!(f.header.len.get(), 0);
    assert_eq!(
        f.request,
        Request::ResourceBusyWait(ResourceBusyWait {
            handle: 5.into(),
            flags: 1.into()
        })
    );
}

#[test]
fn truncated_streams() {
    assert_eq!(
        req_err(&[9, 0, 0]),
        DecodeError::new(
            0,
            VCmd(0),
            DecodeErrorKind::Truncated {
                what: "header",
                need: 8,
                have: 3
            }
        )
    );
    let mut buf = words(&[0, 10, 3, 6, 1]);
    assert_eq!(
        req_err(&buf),
        DecodeError::new(
            8,
            VCmd::SUBMIT_CMD,
            DecodeErrorKind::Truncated {
                what: "body",
                need: 20,
                have: 12
            }
        )
    );
    buf = words(&[11, 5, 1, 2]);
    assert_eq!(
        request_size(&buf, 0, &L).unwrap(),
        Size::AtLeast(52),
        "TRANSFER_PUT needs its data_size first"
    );
}

#[test]
fn hostile_replies() {
    fn expect(e: Expect, buf: &[u8]) -> Result<Progress<ReplyFrame<'_>>, DecodeError> {
        decode_reply(buf, 100, e, &L)
    }
    let caps = Expect::Reply(VCmd::GET_CAPS2);
    assert_eq!(
        expect(caps, &words(&[0, 2])).unwrap_err(),
        DecodeError::new(
            100,
            VCmd::GET_CAPS2,
            DecodeErrorKind::BadLength {
                len: 0,
                expected: "caps bytes + 1"
            }
        )
    );
    assert_eq!(
        expect(caps, &words(&[u32::MAX, 2])).unwrap_err().kind,
        DecodeErrorKind::TooLarge {
            field: "len - 1 (caps bytes)",
            value: u64::from(u32::MAX - 1),
            max: 64 << 10
        }
    );
    assert_eq!(
        expect(caps, &words(&[1, 9])).unwrap_err().kind,
        DecodeErrorKind::UnexpectedReply { id: 9 }
    );
    assert_eq!(
        expect(
            Expect::Reply(VCmd::RESOURCE_BUSY_WAIT),
            &words(&[2, 7, 0, 0])
        )
        .unwrap_err()
        .kind,
        DecodeErrorKind::BadLength {
            len: 2,
            expected: "1"
        }
    );
    assert_eq!(
        expect(Expect::Fd, &[1]).unwrap_err().kind,
        DecodeErrorKind::InvalidValue {
            field: "fd message byte",
            value: 1
        }
    );
    assert_eq!(
        expect(Expect::Data { len: u32::MAX }, &[])
            .unwrap_err()
            .kind,
        DecodeErrorKind::TooLarge {
            field: "data_size",
            value: u64::from(u32::MAX),
            max: 256 << 20
        }
    );
    assert_eq!(
        expect(Expect::Reply(VCmd::GET_CAPSET), &words(&[0x8000_0000, 16]))
            .unwrap_err()
            .kind,
        DecodeErrorKind::TooLarge {
            field: "len - 1 (capset dwords)",
            value: 0x7fff_ffff,
            max: 16 << 10
        }
    );

    // Bytes with nothing pending.
    let mut d: ReplyDecoder<()> = ReplyDecoder::new(L);
    d.push(&[0], []);
    assert_eq!(
        d.next_reply().unwrap_err(),
        DecodeError::new(0, VCmd(0), DecodeErrorKind::NoReplyPending)
    );
    // The fd byte without an fd.
    let mut d: ReplyDecoder<()> = ReplyDecoder::new(L);
    d.tracker_mut().expect(Expect::Fd);
    d.push(&[0], []);
    assert_eq!(d.next_reply().unwrap_err().kind, DecodeErrorKind::MissingFd);
    // An fd riding on a header.
    let mut d: ReplyDecoder<()> = ReplyDecoder::new(L);
    d.expect_request(&Request::PingProtocolVersion);
    d.push(&words(&[0, 10]), [()]);
    let e = d.next_reply().unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::UnexpectedFds { count: 1 });
    // Errors are sticky.
    assert_eq!(d.next_reply().unwrap_err(), e);
}

#[test]
fn byte_by_byte_equals_all_at_once() {
    let mut c2s = handshake_c2s();
    let cmds = words(&[0x0001_0011, 1, 0x0001_0011, 1]);
    enc_into(&Request::SubmitCmd(Dwords::new(&cmds).unwrap()), &mut c2s);
    let name = b"x\0";
    enc_into(&Request::CreateRenderer(CreateRenderer { name }), &mut c2s);
    let whole = frames(&c2s);
    let mut d = RequestDecoder::default();
    let mut got = Vec::new();
    for b in &c2s {
        d.push(core::slice::from_ref(b));
        while let Some(f) = d.next_request().unwrap() {
            got.push((f.request.cmd(), f.size));
        }
    }
    assert_eq!(got.len(), whole.len());
    for ((cmd, size), w) in got.iter().zip(&whole) {
        assert_eq!(*cmd, w.cmd());
        assert_eq!(*size, w.encoded_size());
    }
    d.finish().unwrap();
    assert_eq!(d.buffered(), 0);
}

fn enc_into(request: &Request<'_>, out: &mut Vec<u8>) {
    request.encode(out).unwrap();
}

#[test]
fn reply_encoding_is_exact() {
    let caps = [1u8, 2, 3];
    assert_eq!(
        enc_reply(&Reply::Caps {
            version: CapsVersion::V2,
            caps: &caps
        }),
        [4, 0, 0, 0, 2, 0, 0, 0, 1, 2, 3]
    );
    assert_eq!(enc_reply(&Reply::PingProtocolVersion), words(&[0, 10]));
    let capset = words(&[5, 6]);
    assert_eq!(
        enc_reply(&Reply::GetCapset {
            valid: 1,
            capset: Dwords::new(&capset).unwrap()
        }),
        words(&[3, 16, 1, 5, 6])
    );
    assert_eq!(
        Reply::Fd.encode(&mut Vec::new()),
        Err(EncodeError::FdMessage)
    );
    let bad = Request::TransferPut {
        transfer: Transfer::default(),
        data: &[1],
    };
    assert!(matches!(
        bad.encode(&mut Vec::new()),
        Err(EncodeError::DataSizeMismatch { .. })
    ));
    let submit = Request::SubmitCmd(Dwords::empty());
    assert!(matches!(
        submit.encode_with_len(3, &mut Vec::new()),
        Err(EncodeError::LenMismatch { .. })
    ));
}

#[test]
fn submit_cmd2_accessors() {
    let mut payload = vec![1u32, 0, 9, 2, 11, 1, 5, 0, 0];
    payload.extend([0xaa, 0xbb, 7, 1, 0]);
    let bytes = words(&payload);
    let s = SubmitCmd2 {
        payload: Dwords::new(&bytes).unwrap(),
    };
    let b = s.batch(0).unwrap();
    assert_eq!(b.cmd_size.get(), 2);
    assert_eq!(
        s.commands(&b).unwrap().iter().collect::<Vec<_>>(),
        [0xaa, 0xbb]
    );
    let syncs = s.syncs(&b).unwrap();
    assert_eq!(syncs[0].sync_id.get(), 7);
    assert_eq!(syncs[0].value.get(), 1);
    assert!(s.batch(1).is_none());
    let huge = SubmitCmd2Batch {
        cmd_offset: Le32::new(u32::MAX),
        cmd_size: Le32::new(u32::MAX),
        sync_count: Le32::new(u32::MAX),
        ..Default::default()
    };
    assert!(s.commands(&huge).is_none());
    assert!(s.syncs(&huge).is_none());
}

// ---- property tests -------------------------------------------------------

/// Builds a request of kind `k` (0..24) from raw material.
fn build<'a>(k: u8, raw: &[u8; 64], data: &'a [u8], dw: &'a [u8], syncs: &'a [u8]) -> Request<'a> {
    fn p<T: bytemuck::Pod>(raw: &[u8]) -> T {
        bytemuck::pod_read_unaligned(&raw[..core::mem::size_of::<T>()])
    }
    let dwords = Dwords::new(dw).unwrap();
    let entries: &[SyncEntry] = bytemuck::cast_slice(syncs);
    match k {
        0 => Request::GetCaps,
        1 => Request::ResourceCreate(p(raw)),
        2 => Request::ResourceUnref(p(raw)),
        3 => Request::TransferGet(p(raw)),
        4 => {
            let mut transfer: Transfer = p(raw);
            transfer.data_size = Le32::new(data.len() as u32);
            Request::TransferPut { transfer, data }
        }
        5 => Request::SubmitCmd(dwords),
        6 => Request::ResourceBusyWait(p(raw)),
        7 => Request::CreateRenderer(CreateRenderer { name: data }),
        8 => Request::GetCaps2,
        9 => Request::PingProtocolVersion,
        10 => Request::ProtocolVersion(p(raw)),
        11 => Request::ResourceCreate2(p(raw)),
        12 => Request::TransferGet2(p(raw)),
        13 => Request::TransferPut2(p(raw)),
        14 => Request::GetParam(p(raw)),
        15 => Request::GetCapset(p(raw)),
        16 => Request::ContextInit(p(raw)),
        17 => Request::ResourceCreateBlob(p(raw)),
        18 => Request::SyncCreate(p(raw)),
        19 => Request::SyncUnref(p(raw)),
        20 => Request::SyncRead(p(raw)),
        21 => Request::SyncWrite(p(raw)),
        22 => Request::SyncWait {
            wait: p(raw),
            syncs: entries,
        },
        _ => Request::SubmitCmd2(SubmitCmd2 { payload: dwords }),
    }
}

/// A SUBMIT_CMD2 payload that satisfies the batch-count bound.
fn submit2_payload(mut dw: Vec<u8>, count: u32) -> Vec<u8> {
    if dw.len() < 4 {
        dw.resize(4, 0);
    }
    let room = (dw.len() / 4 - 1) / SUBMIT_CMD2_BATCH_FIELDS;
    let count = count % (room as u32 + 1);
    dw[..4].copy_from_slice(&count.to_le_bytes());
    dw
}

proptest! {
    #[test]
    fn every_request_round_trips(
        k in 0u8..24,
        raw in proptest::array::uniform32(any::<u8>()).prop_flat_map(|a| {
            proptest::array::uniform32(any::<u8>()).prop_map(move |b| {
                let mut r = [0u8; 64];
                r[..32].copy_from_slice(&a);
                r[32..].copy_from_slice(&b);
                r
            })
        }),
        data in proptest::collection::vec(any::<u8>(), 0..64),
        dw in proptest::collection::vec(any::<u32>(), 0..40),
        syncs in proptest::collection::vec(any::<u8>(), 0..5).prop_map(|v| {
            v.iter().flat_map(|&b| [b; 12]).collect::<Vec<u8>>()
        }),
        count in any::<u32>(),
        odd_len in any::<u32>(),
    ) {
        let dw = words(&dw);
        let dw = if k == 23 { submit2_payload(dw, count) } else { dw };
        let request = build(k, &raw, &data, &dw, &syncs);
        let bytes = enc(&request);
        prop_assert_eq!(bytes.len(), request.encoded_size());
        let frame = one(&bytes);
        prop_assert_eq!(frame.request, request);
        prop_assert_eq!(frame.size, bytes.len());
        prop_assert_eq!(frame.header.len.get(), request.canonical_len());
        // Every prefix is incomplete, never an error.
        for cut in [0, 1, 7, bytes.len() / 2, bytes.len() - 1] {
            let progress = decode_request(&bytes[..cut.min(bytes.len() - 1)], 0, &L).unwrap();
            let incomplete = matches!(progress, Progress::NeedMore { .. });
            prop_assert!(incomplete);
        }
        // With any len where len is not the size, the bytes come back as sent.
        if !request.len_is_size() {
            let mut odd = Vec::new();
            request.encode_with_len(odd_len, &mut odd).unwrap();
            let f = one(&odd);
            prop_assert_eq!(f.request, request);
            let mut again = Vec::new();
            f.request.encode_with_len(f.header.len.get(), &mut again).unwrap();
            prop_assert_eq!(again, odd);
        }
    }

    #[test]
    fn every_reply_round_trips(
        k in 0u8..15,
        a in any::<u32>(),
        b in any::<u32>(),
        data in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        let body = data.get(..data.len() / 4 * 4).unwrap_or_default();
        let (reply, expect) = match k {
            0 => (Reply::Caps { version: CapsVersion::V1, caps: &data }, Expect::Reply(VCmd::GET_CAPS)),
            1 => (Reply::Caps { version: CapsVersion::V2, caps: &data }, Expect::Reply(VCmd::GET_CAPS2)),
            2 => (Reply::ResourceCreate(IdReply { id: a.into() }), Expect::ReplyIfV3(VCmd::RESOURCE_CREATE)),
            3 => (Reply::TransferGetData(&data), Expect::Data { len: data.len() as u32 }),
            4 => (Reply::ResourceBusyWait(BusyWaitReply { busy: a.into() }), Expect::Reply(VCmd::RESOURCE_BUSY_WAIT)),
            5 => (Reply::PingProtocolVersion, Expect::Ping),
            6 => (Reply::ProtocolVersion(ProtocolVersion { version: a.into() }), Expect::Reply(VCmd::PROTOCOL_VERSION)),
            7 => (Reply::ResourceCreate2(IdReply { id: a.into() }), Expect::ReplyIfV3(VCmd::RESOURCE_CREATE2)),
            8 => (Reply::GetParam(GetParamReply { valid: a.into(), value: b.into() }), Expect::Reply(VCmd::GET_PARAM)),
            9 => (Reply::GetCapset { valid: a, capset: Dwords::new(body).unwrap() }, Expect::Reply(VCmd::GET_CAPSET)),
            10 => (Reply::ResourceCreateBlob(IdReply { id: a.into() }), Expect::Reply(VCmd::RESOURCE_CREATE_BLOB)),
            11 => (Reply::SyncCreate(IdReply { id: a.into() }), Expect::Reply(VCmd::SYNC_CREATE)),
            12 => (Reply::SyncRead(SyncReadReply { value: Le64::new(u64::from(a) << 32 | u64::from(b)) }), Expect::Reply(VCmd::SYNC_READ)),
            13 => (Reply::SyncWait, Expect::Reply(VCmd::SYNC_WAIT)),
            _ => (Reply::Fd, Expect::Fd),
        };
        let bytes = if reply == Reply::Fd { vec![FD_MESSAGE_BYTE] } else { enc_reply(&reply) };
        prop_assert_eq!(bytes.len(), reply.encoded_size());
        let Progress::Done(f) = decode_reply(&bytes, 0, expect, &L).unwrap() else {
            panic!("incomplete")
        };
        prop_assert_eq!(f.reply, reply);
        prop_assert_eq!(f.size, bytes.len());
        prop_assert_eq!(reply.header_id().is_some(), !matches!(reply, Reply::Fd | Reply::TransferGetData(_)));
    }

    #[test]
    fn garbage_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..256),
        ids in proptest::collection::vec(0u32..26, 0..8),
        chunk in 1usize..17,
    ) {
        // Bias toward valid ids so bodies get decoded, not just rejected.
        let mut buf = bytes.clone();
        for (i, id) in ids.iter().enumerate() {
            let at = (i * 13) % buf.len().max(1);
            if at + 8 <= buf.len() {
                buf[at + 4..at + 8].copy_from_slice(&id.to_le_bytes());
                buf[at] %= 16;
                buf[at + 1] = 0;
                buf[at + 2] = 0;
                buf[at + 3] = 0;
            }
        }
        let mut d = RequestDecoder::default();
        for c in buf.chunks(chunk) {
            d.push(c);
            while let Ok(Some(f)) = d.next_request() {
                let mut out = Vec::new();
                f.request.encode_with_len(f.header.len.get(), &mut out).unwrap();
                prop_assert_eq!(&out[..], &buf[f.offset as usize..f.offset as usize + f.size]);
            }
        }
        let _ = d.finish();

        let mut r: ReplyDecoder<()> = ReplyDecoder::new(L);
        for &id in &ids {
            for e in expected_replies(&build((id % 24) as u8, &[0; 64], &[], &[], &[])) {
                r.tracker_mut().expect(e);
            }
        }
        for c in bytes.chunks(chunk) {
            r.push(c, (c.len() % 3 == 0).then_some(()));
            while let Ok(Some(_)) = r.next_reply() {}
            let _ = r.missing();
        }
        let _ = r.finish();
    }
}

#[cfg(feature = "std")]
mod socket {
    use super::*;
    use std::io::{Read, Write};
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;

    #[test]
    fn server_and_client_pass_fds_over_a_socket() {
        let (client_end, server_end) = UnixStream::pair().unwrap();
        let server = std::thread::spawn(move || {
            let mut conn = ServerConnection::new(server_end, L);
            let mut seen = Vec::new();
            let (mut keep, far) = UnixStream::pair().unwrap();
            loop {
                let frame = match conn.read_request() {
                    Ok(Some(frame)) => frame,
                    Ok(None) => break,
                    // The stray fd's byte is half a header when the client hangs up.
                    Err(ConnectionError::Decode(e)) => {
                        assert!(matches!(e.kind, DecodeErrorKind::Truncated { .. }), "{e}");
                        break;
                    }
                    Err(e) => panic!("{e}"),
                };
                seen.push(frame.request.cmd());
                match frame.request {
                    Request::PingProtocolVersion => {
                        conn.send_reply(&Reply::PingProtocolVersion).unwrap()
                    }
                    Request::ResourceBusyWait(_) => conn
                        .send_reply(&Reply::ResourceBusyWait(BusyWaitReply::default()))
                        .unwrap(),
                    Request::ProtocolVersion(_) => conn
                        .send_reply(&Reply::ProtocolVersion(ProtocolVersion {
                            version: 2.into(),
                        }))
                        .unwrap(),
                    Request::ResourceCreate2(_) => {
                        conn.send_fd(far.as_fd()).unwrap();
                    }
                    _ => {}
                }
            }
            // `far` went to the client; what `keep` writes comes out there.
            drop(far);
            keep.write_all(b"!").unwrap();
            let mut b = [0u8; 4];
            keep.read_exact(&mut b).unwrap();
            (seen, b, conn.stray_fds())
        });

        let mut client = ClientConnection::new(client_end, L);
        client
            .send_request(&Request::CreateRenderer(CreateRenderer { name: b"t\0" }))
            .unwrap();
        client
            .send_requests(&[
                Request::PingProtocolVersion,
                Request::ResourceBusyWait(ResourceBusyWait::default()),
            ])
            .unwrap();
        assert_eq!(
            client.read_reply().unwrap().frame.reply,
            Reply::PingProtocolVersion
        );
        assert!(matches!(
            client.read_reply().unwrap().frame.reply,
            Reply::ResourceBusyWait(_)
        ));
        client
            .send_request(&Request::ProtocolVersion(ProtocolVersion {
                version: 2.into(),
            }))
            .unwrap();
        let _ = client.read_reply().unwrap();
        assert_eq!(client.decoder().tracker().version(), 2);
        let rc2 = ResourceCreate2 {
            handle: 1.into(),
            data_size: 4096.into(),
            ..Default::default()
        };
        client.send_request(&Request::ResourceCreate2(rc2)).unwrap();
        let mut message = client.read_reply().unwrap();
        assert_eq!(message.frame.reply, Reply::Fd);
        assert_eq!(message.fds.len(), 1);
        let mut received = UnixStream::from(message.fds.pop().unwrap());
        assert!(matches!(
            client.read_reply(),
            Err(ConnectionError::NoReplyPending)
        ));
        // A stray client fd is received and closed, never left to the kernel.
        let (stray, _other) = UnixStream::pair().unwrap();
        client.send_fd(&stray).unwrap();
        drop(client);
        let mut b = [0u8; 1];
        received.read_exact(&mut b).unwrap();
        assert_eq!(&b, b"!");
        received.write_all(b"pong").unwrap();
        let (seen, pong, stray) = server.join().unwrap();
        assert_eq!(&pong, b"pong");
        assert_eq!(stray, 1);
        assert_eq!(
            seen,
            [
                VCmd::CREATE_RENDERER,
                VCmd::PING_PROTOCOL_VERSION,
                VCmd::RESOURCE_BUSY_WAIT,
                VCmd::PROTOCOL_VERSION,
                VCmd::RESOURCE_CREATE2
            ]
        );
    }
}
