//! streamlab-web: the playground. It draws the simulation from
//! `Simulation::snapshot()` and changes it only by running scenario lines
//! (so every click is a command the user can read and replay).

pub mod app;
pub mod components;
pub mod state;

pub use app::App;
