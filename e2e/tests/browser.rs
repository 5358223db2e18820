//! The built site in a real browser: what a person sees and clicks.

use fantoccini::{Client, Locator};
use std::time::Duration;
use streamlab_e2e::{browser, dist_dir, navigate, screenshot_dir, Driver, Error, SiteServer};

async fn text_of(c: &Client, css: &str) -> Result<String, Error> {
    Ok(c.find(Locator::Css(css)).await?.text().await?)
}

async fn count(c: &Client, css: &str) -> Result<usize, Error> {
    Ok(c.find_all(Locator::Css(css)).await?.len())
}

async fn open(c: &Client, url: &str) -> Result<(), Error> {
    navigate(c, url).await?;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".cluster-table"))
        .await?;
    // A share link is inflated asynchronously (the browser's
    // DecompressionStream): an empty page says "Opening…" until then.
    for _ in 0..400 {
        let opening = c
            .execute(
                "const n = document.querySelector('#notice');
                 return !!n && n.textContent.includes('Opening the share link');",
                vec![],
            )
            .await?;
        if opening != serde_json::Value::Bool(true) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("{url}: the share link was still opening after 20 s").into())
}

async fn attr(c: &Client, css: &str, name: &str) -> Result<String, Error> {
    Ok(c.find(Locator::Css(css))
        .await?
        .attr(name)
        .await?
        .unwrap_or_default())
}

async fn choose(c: &Client, css: &str, value: &str) -> Result<(), Error> {
    c.find(Locator::Css(css))
        .await?
        .select_by_value(value)
        .await?;
    Ok(())
}

/// Chooses the preset `file` and waits until its script, fetched from the
/// site, is on screen (the menu marks it `data-loaded`).
async fn choose_preset(c: &Client, file: &str) -> Result<(), Error> {
    let value = attr(c, &format!("#presets option[data-file='{file}']"), "value").await?;
    choose(c, "#presets", &value).await?;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&format!("#presets[data-loaded='{file}']")))
        .await?;
    Ok(())
}

async fn click(c: &Client, css: &str) -> Result<(), Error> {
    c.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs the release build and chromedriver: run by `cargo xtask test`"]
async fn first_page_renders_the_cluster_and_produces_a_record() -> Result<(), Error> {
    let site = SiteServer::start(dist_dir()?)?;
    let driver = Driver::start()?;
    let c = browser(&driver, 1400, 900).await?;
    let result = async {
        open(&c, &site.url).await?;
        assert_eq!(c.title().await?, "streamlab — watch Kafka work");
        let header = text_of(&c, ".cluster-table thead").await?;
        for b in ["broker 0", "broker 1", "broker 2"] {
            assert!(header.contains(b), "{b} in header: {header}");
        }
        assert_eq!(count(&c, "tr[data-partition]").await?, 3);
        assert_eq!(count(&c, ".record").await?, 0);

        // Produce to hello-1 (chosen in the select), then let a second pass.
        choose(&c, "#produce-partition", "1").await?;
        click(&c, "#produce").await?;
        click(&c, "#step-1s").await?;
        let row = "tr[data-partition='hello-1']";
        assert_eq!(count(&c, &format!("{row} .record.below-hw")).await?, 2, "leader and follower hold it below the HW");
        assert_eq!(count(&c, "tr[data-partition='hello-0'] .record").await?, 0);
        let script = text_of(&c, ".script-lines").await?;
        assert!(script.contains("sim produce hello record-0 --partition 1 --acks all"), "{script}");

        // The console speaks Kafka: a refused topic shows Kafka's error.
        let input = c.find(Locator::Css("#console-input")).await?;
        input
            .send_keys("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic big --partitions 1 --replication-factor 4")
            .await?;
        click(&c, ".console button[type=submit]").await?;
        let transcript = text_of(&c, ".transcript").await?;
        assert!(transcript.contains("Replication factor: 4 larger than available brokers: 3."), "{transcript}");

        let png = c.screenshot().await?;
        std::fs::write(screenshot_dir().join("first-page.png"), png)?;
        Ok::<(), Error>(())
    }
    .await;
    c.close().await?;
    result
}

#[tokio::test]
#[ignore = "needs the release build and chromedriver: run by `cargo xtask test`"]
async fn preset_produce_crash_the_leader_fail_over_and_share() -> Result<(), Error> {
    let site = SiteServer::start(dist_dir()?)?;
    let driver = Driver::start()?;
    let c = browser(&driver, 1400, 900).await?;
    let shared = async {
        open(&c, &site.url).await?;
        // The first-slice preset: hello-0 holds two records.
        choose_preset(&c, "first-slice.script").await?;
        assert!(text_of(&c, "#notice").await?.contains("first slice"));
        let row = "tr[data-partition='hello-0']";
        assert_eq!(
            count(&c, &format!("{row} td.replica.leader .record")).await?,
            2
        );

        // Produce with acks=all to hello-0 and let it replicate.
        choose(&c, "#produce-partition", "0").await?;
        choose(&c, "#produce-acks", "all").await?;
        click(&c, "#produce").await?;
        click(&c, "#step-1s").await?;
        let sends = text_of(&c, ".outcomes").await?;
        assert!(
            sends.contains("acknowledged at offset 2 (acks=all)"),
            "{sends}"
        );
        assert!(text_of(&c, &format!("{row} th")).await?.contains("HW 3"));

        // Crash hello-0's leader; ZooKeeper notices after its session timeout.
        let old = attr(&c, row, "data-leader").await?;
        click(&c, &format!("th[data-broker='{old}'] .fault-crash")).await?;
        for _ in 0..7 {
            click(&c, "#step-1s").await?;
        }
        let new = attr(&c, row, "data-leader").await?;
        assert!(new != old && new != "none", "new leader {new} (was {old})");
        let head = text_of(&c, &format!("{row} th")).await?;
        assert!(
            head.contains(&format!("leader {new}"))
                && head.contains("epoch 1")
                && head.contains("HW 3"),
            "{head}"
        );
        assert!(attr(&c, &format!("th[data-broker='{old}']"), "class")
            .await?
            .contains("crashed"));
        let cluster = text_of(&c, ".cluster-table").await?;
        std::fs::write(screenshot_dir().join("failover.png"), c.screenshot().await?)?;

        // Share: the link opens the same state in a fresh browser. The
        // browser deflates it asynchronously, so the box comes a moment later.
        click(&c, "#share").await?;
        let link = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("#share-url"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert!(link.contains("#v1="), "{link}");
        let clock = text_of(&c, "#clock").await?;
        Ok::<_, Error>((link, cluster, clock))
    }
    .await;
    // One browser at a time: two headless Chromiums on a 2-core CI machine
    // starve each other's renderers.
    c.close().await?;
    let (link, cluster, clock) = shared?;

    let fresh = browser(&driver, 1400, 900).await?;
    let same = async {
        open(&fresh, &link).await?;
        assert_eq!(text_of(&fresh, ".cluster-table").await?, cluster);
        assert_eq!(text_of(&fresh, "#clock").await?, clock);
        Ok::<(), Error>(())
    }
    .await;
    fresh.close().await?;
    same?;

    // A garbage link: a clear message and a working default playground.
    let garbage = format!("{}#v1=%3Cscript%3Enot-a-link", site.url);
    let fresh = browser(&driver, 1400, 900).await?;
    let bad = async {
        open(&fresh, &garbage).await?;
        let notice = text_of(&fresh, "#notice").await?;
        assert!(notice.contains("could not be opened"), "{notice}");
        assert_eq!(count(&fresh, "#notice script").await?, 0);
        assert_eq!(count(&fresh, "tr[data-partition]").await?, 3);
        click(&fresh, "#produce").await?;
        click(&fresh, "#step-1s").await?;
        assert_eq!(count(&fresh, ".record.below-hw").await?, 2);
        Ok::<(), Error>(())
    }
    .await;
    fresh.close().await?;
    bad
}

#[tokio::test]
#[ignore = "needs the release build and chromedriver: run by `cargo xtask test`"]
async fn bench_frames_per_second_at_9_brokers_48_partitions() -> Result<(), Error> {
    let site = SiteServer::start(dist_dir()?)?;
    let driver = Driver::start()?;
    let c = browser(&driver, 1400, 900).await?;
    let result = async {
        // Baseline: what requestAnimationFrame gives on an idle page here
        // (headless, no GPU, a shared machine), so the bench can be read.
        open(&c, &site.url).await?;
        let idle = c
            .execute_async(
                "const done = arguments[0]; let n = 0; const t0 = performance.now();
                 function f() { n++; if (performance.now() - t0 < 2000) requestAnimationFrame(f); else done(n / 2); }
                 requestAnimationFrame(f);",
                vec![],
            )
            .await?;
        println!("idle page: {idle} fps");
        // STREAMLAB_BENCH_SKIP=events,console leaves panels out (to find costs).
        let skip = std::env::var("STREAMLAB_BENCH_SKIP").unwrap_or_default();
        open(&c, &format!("{}?bench&skip={skip}", site.url)).await?;
        if skip.is_empty() {
            assert_eq!(count(&c, "th.broker").await?, 9);
            assert_eq!(count(&c, "tr[data-partition]").await?, 48);
        }
        c.wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::Css("#bench-fps[data-done='true']"))
            .await?;
        let fps = text_of(&c, "#bench-fps").await?;
        let records = if skip.is_empty() {
            text_of(&c, "#throughput-chart figcaption").await?
        } else {
            format!("skipped: {skip}")
        };
        println!("bench: {fps}; {records}");
        std::fs::write(
            screenshot_dir().join("bench.txt"),
            format!("{fps}\n{records}\n"),
        )?;
        let n: f64 = fps.split(' ').next().unwrap_or_default().parse()?;
        assert!(n > 0.0, "{fps}");
        Ok::<(), Error>(())
    }
    .await;
    c.close().await?;
    result
}

#[tokio::test]
#[ignore = "needs the release build and chromedriver: run by `cargo xtask test`"]
async fn narrow_screen_still_shows_every_panel() -> Result<(), Error> {
    let site = SiteServer::start(dist_dir()?)?;
    let driver = Driver::start()?;
    let c = browser(&driver, 360, 800).await?;
    let result = async {
        open(&c, &site.url).await?;
        for panel in [
            "#cluster-h",
            "#timeline-h",
            "#producer-h",
            "#consumers-h",
            "#events-h",
            "#console-h",
            "#script-h",
            "#metrics-h",
        ] {
            assert!(
                c.find(Locator::Css(panel)).await?.is_displayed().await?,
                "{panel} visible at 360 px"
            );
        }
        // Nothing wider than the viewport except inside the scrollable table.
        let overflow = c
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
                vec![],
            )
            .await?;
        assert_eq!(
            overflow,
            serde_json::Value::Bool(true),
            "page scrolls sideways at 360 px"
        );
        Ok::<(), Error>(())
    }
    .await;
    c.close().await?;
    result
}

/// The seed's first assignor example in the page: the group under range,
/// the same membership under round-robin side by side, then a live switch:
/// members rejoining with the round-robin assignor get the seed's answer.
#[tokio::test]
#[ignore = "needs the release build and chromedriver: run by `cargo xtask test`"]
async fn range_and_round_robin_give_the_seeds_assignments() -> Result<(), Error> {
    let site = SiteServer::start(dist_dir()?)?;
    let driver = Driver::start()?;
    let c = browser(&driver, 1400, 1200).await?;
    let result = async {
        open(&c, &site.url).await?;
        choose_preset(&c, "assignors-two-topics.script").await?;
        let range = text_of(&c, "[data-group='atguigu'] [data-assignor='range']").await?;
        let rr = text_of(&c, "[data-group='atguigu'] [data-assignor='roundrobin']").await?;
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        assert!(squash(&range).contains("a:hello2-0hello2-1"), "{range}");
        assert!(squash(&range).contains("b:hello2-2"), "{range}");
        assert!(
            squash(&range).contains("c:hello3-0hello3-1hello3-2"),
            "{range}"
        );
        assert!(squash(&rr).contains("a:hello2-0hello2-2"), "{rr}");
        assert!(squash(&rr).contains("b:hello2-1"), "{rr}");
        // The preset's second group really runs round-robin.
        let live = text_of(&c, "[data-group='rr'] table.offsets").await?;
        assert!(live.contains("hello2-1"), "{live}");
        // One click: a member leaves group atguigu; range gives its partition to a.
        click(&c, "[data-group='atguigu'] button[aria-label='Leave b']").await?;
        let after = text_of(&c, "[data-group='atguigu'] [data-assignor='range']").await?;
        assert!(
            squash(&after).contains("a:hello2-0hello2-1hello2-2"),
            "{after}"
        );
        let script = text_of(&c, ".script-lines").await?;
        assert!(script.contains("sim consumer leave atguigu b"), "{script}");
        let png = c.screenshot().await?;
        std::fs::write(screenshot_dir().join("assignors.png"), png)?;
        Ok::<(), Error>(())
    }
    .await;
    c.close().await?;
    result
}
