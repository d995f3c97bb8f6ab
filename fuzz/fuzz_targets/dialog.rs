#![no_main]
libfuzzer_sys::fuzz_target!(init: atazan::fuzzing::init(), |data: &[u8]| atazan::fuzzing::dialog(data));
