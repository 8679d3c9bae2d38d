//! Any bytes: parse (with every dialect registered, with and without unregistered dialects),
//! verify, and when it parses, print in both forms and parse the printed text again. Nothing may
//! panic, and what flowc prints it must read back.
#![no_main]

use flowc_ir::parser::parse_source;
use flowc_ir::printer::PrintOptions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let allow_unregistered = data.first().is_some_and(|b| b & 1 == 1);
    let mut ctx = flowc_init::context_with_all_dialects();
    ctx.allow_unregistered_dialects = allow_unregistered;
    let Ok(module) = parse_source(&mut ctx, &text, "fuzz.mlir", 0) else { return };
    let verified = flowc_ir::verifier::verify(&ctx, module).is_ok();
    for generic in [false, true] {
        // Custom printers may assume verified IR, as in MLIR; unverified IR prints generically.
        if !generic && !verified {
            continue;
        }
        let printed = ctx.print_op(module, &PrintOptions { generic, debug_info: true });
        let mut again = flowc_init::context_with_all_dialects();
        again.allow_unregistered_dialects = allow_unregistered;
        if let Err(d) = parse_source(&mut again, &printed, "printed.mlir", 0) {
            panic!("printed IR does not parse: {}\n{printed}", d[0].render(&again));
        }
    }
});
