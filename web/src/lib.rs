//! streamlab-web: the playground. It draws the simulation from
//! `Simulation::snapshot()` and the event trace, and changes it only by
//! running scenario lines (so every click is a command the user can read,
//! replay and share).

pub mod app;
pub mod checkpoints;
pub mod components;
pub mod derive;
pub mod presets;
pub mod share_link;
pub mod state;

pub use app::App;
