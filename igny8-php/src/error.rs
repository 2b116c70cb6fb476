//! Failures and `Igny8\Exception`: every core error reaches PHP with the REST API's status and
//! code (the core's `ErrorCode::http_status`), and so does a panic (500, `internal`).

use ext_php_rs::class::RegisteredClass;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::exception::PhpException;
use ext_php_rs::exception::throw_with_code;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendClassObject;
use ext_php_rs::zend::{ExecutorGlobals, ce};
use igny8_core::{Error, ErrorCode, FieldError};

/// Why a call failed, on its way to PHP.
#[derive(Debug)]
pub(crate) struct Failure {
    status: u16,
    code: &'static str,
    message: String,
    fields: Vec<FieldError>,
}

impl Failure {
    /// Bad input that concerns the whole call.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::from(Error::invalid(message))
    }

    /// Bad input in one field.
    pub(crate) fn field(field: &str, message: impl Into<String>) -> Self {
        Self::from(Error::field(field, message))
    }

    /// Something the system did wrong (500 `internal`).
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self {
            status: 500,
            code: "internal",
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A failure of the PHP bindings themselves.
    pub(crate) fn php(err: ext_php_rs::error::Error) -> Self {
        Self::internal(format!("PHP conversion failed: {err}"))
    }

    /// A panic caught at the boundary.
    pub(crate) fn panic(payload: &(dyn std::any::Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_owned());
        Self::internal(format!("internal error (Rust panic): {what}"))
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        let code = err.code();
        Self {
            status: ErrorCode::http_status(code),
            code: code.as_str(),
            fields: err.field_errors().to_vec(),
            message: err.to_string(),
        }
    }
}

impl From<Failure> for PhpException {
    fn from(f: Failure) -> Self {
        let ce = Igny8Exception::get_metadata().ce();
        let status = i32::from(f.status);
        // The engine makes the object and sets its message and code (protected properties of
        // \Exception that only the engine can write from here); then its Rust state is filled
        // in and it is thrown again as it is.
        if !ExecutorGlobals::has_exception()
            && throw_with_code(ce, status, &f.message).is_ok()
            && let Some(mut object) = ExecutorGlobals::take_exception()
        {
            if let Some(state) = ZendClassObject::<Igny8Exception>::from_zend_obj_mut(&mut object) {
                state.status = f.status;
                state.code = f.code.to_owned();
                state.fields = f.fields;
            }
            if let Ok(zval) = object.into_zval(false) {
                return PhpException::from_class::<Igny8Exception>(f.message).with_object(zval);
            }
        }
        PhpException::new(f.message, status, ce)
    }
}

/// `Igny8\Exception`: a failure of the core, with the REST API's status and error code.
#[php_class]
#[php(name = "Igny8\\Exception")]
#[php(extends(ce = ce::exception, stub = "\\Exception"))]
#[derive(Debug, Default)]
pub struct Igny8Exception {
    status: u16,
    code: String,
    fields: Vec<FieldError>,
}

#[php_impl]
impl Igny8Exception {
    /// The HTTP-like status of the failure (getCode() returns the same).
    pub fn status(&self) -> i64 {
        i64::from(self.status)
    }

    /// The stable error code: `validation`, `not_found`, `insufficient_credits`…
    pub fn error_code(&self) -> String {
        self.code.clone()
    }

    /// Field errors of a validation failure: a list of `['field' => …, 'message' => …]`.
    pub fn field_errors(&self) -> Vec<Vec<(&'static str, String)>> {
        self.fields
            .iter()
            .map(|e| vec![("field", e.field.clone()), ("message", e.message.clone())])
            .collect()
    }
}
