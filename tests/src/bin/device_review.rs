//! A device as the end-to-end tests use it: enrols (once) into the store in
//! the directory given, syncs, and prints as JSON the supervisor's review of
//! its inspection of a centre, as the device holds it after the sync.
//! `device-review <store dir> <server url> <username> <password> <centre code>`

use xuncha_client::Device;
use xuncha_client::sync::Server;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, url, username, password, centre] = args.as_slice() else {
        return Err("usage: device-review <store dir> <server url> <username> <password> <centre code>".into());
    };
    let mut device = Device::open(std::path::Path::new(dir))?;
    let server = match Server::of(&device) {
        Ok(s) => s,
        Err(_) => Server::enrol(&mut device, url, username, password, "e2e").await?,
    };
    server.refresh_catalog(&device).await?;
    server.sync(&device).await?;
    let info = device
        .store()
        .docs()?
        .into_iter()
        .find(|d| d.centre_code == *centre)
        .ok_or_else(|| format!("no inspection of {centre} on this device"))?;
    let review = device.review(&info.doc)?;
    println!("{}", serde_json::to_string(&serde_json::json!({ "doc": info.doc.to_string(), "review": review }))?);
    Ok(())
}
