//! Collects every error of one expansion, so a build reports all of them.

use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

use crate::attr::Spanned;

/// Errors found so far.
#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Option<syn::Error>>,
}

impl Ctxt {
    pub fn new() -> Self {
        Ctxt::default()
    }

    /// Records an error spanned on `tokens`.
    pub fn error_spanned_by<T: ToTokens, M: Display>(&self, tokens: T, message: M) {
        self.syn_error(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// Records an error at `span`.
    pub fn error_at<M: Display>(&self, span: proc_macro2::Span, message: M) {
        self.syn_error(syn::Error::new(span, message));
    }

    /// Records an error at an attribute given where it does not apply.
    pub fn refuse<T, M: Display>(&self, attr: &Option<Spanned<T>>, message: M) {
        if let Some(attr) = attr {
            self.error_at(attr.span, message);
        }
    }

    /// Records an error.
    pub fn syn_error(&self, err: syn::Error) {
        let mut errors = self.errors.borrow_mut();
        match errors.as_mut() {
            Some(all) => all.combine(err),
            None => *errors = Some(err),
        }
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.errors.borrow().is_some()
    }

    /// All recorded errors, combined, if any.
    pub fn check(self) -> Result<(), syn::Error> {
        match self.errors.into_inner() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}
