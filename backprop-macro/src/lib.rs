//! The `grad!` procedural macro of backprop.
