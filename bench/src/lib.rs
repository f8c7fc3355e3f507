//! Nothing here: the comparison lives in `benches/compare/`. Cargo wants a library or a
//! binary in every package.
