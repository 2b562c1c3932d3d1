//! An enrolled device (its store in the directory given) that answers
//! items and syncs in a loop until it is killed.

use xuncha_client::Device;
use xuncha_client::sync::Server;
use xuncha_core::document::Answer;
use xuncha_core::template::AnswerSpec;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: device-under-test <store dir>")?;
    let device = Device::open(std::path::Path::new(&dir))?;
    let server = Server::of(&device)?;
    let info = device.store().docs()?.into_iter().next().ok_or("no inspection on this device")?;
    let template = device.template(&info.template)?;
    let items: Vec<String> =
        template.items().filter(|(_, i)| matches!(i.answer, AnswerSpec::YesNo)).map(|(_, i)| i.id.clone()).collect();
    let mut n = 0usize;
    loop {
        let item = items.get(n % items.len().max(1)).ok_or("no yes/no items")?;
        device.set_answer(&info.doc, item, Answer::YesNo(n.is_multiple_of(3)), xuncha_client::sync::now_ms())?;
        server.sync(&device).await?;
        n += 1;
        println!("synced {n}");
    }
}
