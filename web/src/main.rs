//! Entry point for trunk: mount the app on <body>.

fn main() {
    yew::Renderer::<streamlab_web::App>::new().render();
}
