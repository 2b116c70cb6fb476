//! IGNY8 inside WordPress: the PHP extension (ext-php-rs) that embeds igny8-core. Glue only:
//! PHP arrays become the core's input types through serde, results become arrays with the
//! REST API's shapes, core errors become `Igny8\Exception` with the REST API's status and
//! code. The contract is `stubs/igny8.php`; the design is in `docs/php-extension.md`.

mod class;
mod context;
mod error;
mod input;
mod ops;
mod output;
mod process;
mod tenant;
mod value;

/// PHP's entry point.
mod module {
    #![allow(missing_docs)] // `#[php_module]` adds an undocumented `extern "C"` twin

    use ext_php_rs::prelude::*;

    /// The module (`get_module`): the exception class and the handle class. Nothing is
    /// started here — the runtime and the pool are made on first use, per process.
    #[php_module]
    pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
        module
            .name("igny8")
            .class::<crate::error::Igny8Exception>()
            .class::<crate::class::Igny8>()
    }
}
