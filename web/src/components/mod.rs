//! One component per file, each with its `Props`.

pub mod bench;
pub mod cluster_view;
pub mod console;
pub mod consumer_panel;
pub mod event_log;
pub mod flume_panel;
pub mod metrics;
pub mod notice;
pub mod partition_row;
pub mod producer_panel;
pub mod saved_panel;
pub mod script_panel;
pub mod timeline;
pub mod toolbar;
pub mod ui;
