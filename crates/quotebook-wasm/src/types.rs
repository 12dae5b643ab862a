//! The TypeScript interfaces of the values that cross the boundary (`src/boundary.d.ts`),
//! added to the bindings' `.d.ts`: the functions' `unchecked_param_type` and
//! `unchecked_return_type` name them, so the extension's JSDoc is checked against the
//! shapes serde gives the core's types. `tests/boundary_types.rs` keeps the two in step.

use wasm_bindgen::prelude::*;

/// The interfaces' source, also read by the tests.
pub const TYPESCRIPT: &str = include_str!("boundary.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const BOUNDARY_TYPES: &str = TYPESCRIPT;
