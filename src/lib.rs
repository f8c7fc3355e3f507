//! backprop: reverse-mode automatic differentiation at compile time.
#![deny(missing_docs)]

pub use backprop_core::*;
