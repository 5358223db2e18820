//! The built site in a real browser: what a person sees and clicks.

use fantoccini::{Client, Locator};
use std::time::Duration;
use streamlab_e2e::{browser, dist_dir, screenshot_dir, Driver, Error, SiteServer};

async fn text_of(c: &Client, css: &str) -> Result<String, Error> {
    Ok(c.find(Locator::Css(css)).await?.text().await?)
}

async fn count(c: &Client, css: &str) -> Result<usize, Error> {
    Ok(c.find_all(Locator::Css(css)).await?.len())
}

async fn open(c: &Client, url: &str) -> Result<(), Error> {
    c.goto(url).await?;
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".cluster-table"))
        .await?;
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
        c.find(Locator::Css("#produce-partition option:nth-child(2)")).await?.click().await?;
        c.find(Locator::Css("#produce")).await?.click().await?;
        c.find(Locator::Css("#advance")).await?.click().await?;
        let row = "tr[data-partition='hello-1']";
        assert_eq!(count(&c, &format!("{row} .record.below-hw")).await?, 2, "leader and follower hold it below the HW");
        assert_eq!(count(&c, "tr[data-partition='hello-0'] .record").await?, 0);
        let transcript = text_of(&c, ".transcript").await?;
        assert!(transcript.contains("sim produce hello record-0 --partition 1"), "{transcript}");

        // The console speaks Kafka: a refused topic shows Kafka's error.
        let input = c.find(Locator::Css("#console-input")).await?;
        input
            .send_keys("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic big --partitions 1 --replication-factor 4")
            .await?;
        c.find(Locator::Css(".console button[type=submit]")).await?.click().await?;
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
async fn narrow_screen_still_shows_every_panel() -> Result<(), Error> {
    let site = SiteServer::start(dist_dir()?)?;
    let driver = Driver::start()?;
    let c = browser(&driver, 360, 800).await?;
    let result = async {
        open(&c, &site.url).await?;
        for panel in ["#cluster-h", "#producer-h", "#console-h"] {
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
