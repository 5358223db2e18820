//! Entry point for trunk: mount the app on <body>, in the learner's
//! language. A Chinese visit fetches the dictionary first, so the page
//! paints in Chinese at once (a failed fetch is said by the app, which
//! tries again).

fn main() {
    use streamlab_web::i18n::{preferred, Lang};
    fn render() {
        yew::Renderer::<streamlab_web::App>::new().render();
    }
    if preferred() == Lang::En {
        return render();
    }
    wasm_bindgen_futures::spawn_local(async {
        let _ = streamlab_web::app::switch_language(Lang::Zh).await;
        render();
    });
}
