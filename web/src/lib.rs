//! streamlab-web: the playground. It draws the simulation from
//! `Simulation::snapshot()` and the event trace, and changes it only by
//! running scenario lines (so every click is a command the user can read,
//! replay and share).

pub mod app;
pub mod components;
pub mod derive;
pub mod fetch;
pub mod i18n;
pub mod presets;
pub mod share_link;
pub mod state;

pub use app::App;

// Talc instead of the default dlmalloc: smaller in the wasm bundle (SPEC §6
// budget) and no slower. In the library, so the wasm tests and benches run
// on the allocator the page uses.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
