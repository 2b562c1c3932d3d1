//! The deployment files of `deploy/` are the ones that work: the instance
//! configuration loads with every key known, the systemd unit verifies
//! (`systemd-analyze verify`, where systemd is installed) and starts the
//! server's command line as written. The proxy configuration is run by
//! `instances`.

use std::path::Path;

fn deploy(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy").join(file)
}

#[test]
fn the_instance_configuration_loads_with_every_key_known() {
    let c = xuncha_server::Config::load(Some(&deploy("xuncha.toml"))).unwrap();
    assert_eq!(c.bind.to_string(), "127.0.0.1:8081");
    assert!(c.secure_cookies(), "TLS ends at the proxy");
    assert_eq!(c.trusted_proxies, vec![std::net::IpAddr::from([127, 0, 0, 1])]);
    assert_eq!(c.database.connections, 16);
    assert_eq!(c.photo_store.url.as_deref(), Some("s3://xuncha-photos/prod"));
    assert_eq!(c.photo_store.options.get("aws_region").map(String::as_str), Some("cn-north-1"));
    assert_eq!(c.database.url, None, "the database URL holds a password: secrets.env, not this file");
}

#[test]
fn the_systemd_unit_verifies_and_runs_the_command_line_as_written() {
    let unit = std::fs::read_to_string(deploy("xuncha.service")).unwrap();
    let exec = unit.lines().find_map(|l| l.strip_prefix("ExecStart=")).expect("an ExecStart line");
    let args: Vec<&str> = exec.split_whitespace().collect();
    assert_eq!(args.first(), Some(&"/usr/local/bin/xuncha-server"));
    // The same arguments parse: the server's command line, with the help of `serve`.
    let bin = env!("CARGO_BIN_EXE_server-under-test");
    let out = std::process::Command::new(bin)
        .args(args.iter().skip(1))
        .arg("--help")
        .env("XUNCHA_CONFIG", deploy("xuncha.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--bind"), "the serve command's help");
    let Ok(analyze) = which("systemd-analyze") else { return };
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("xuncha.service");
    std::fs::write(&local, unit.replace("/usr/local/bin/xuncha-server", bin)).unwrap();
    let out = std::process::Command::new(analyze).arg("verify").arg(&local).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && !said.contains("xuncha.service:"), "systemd-analyze verify: {said}");
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file()).ok_or(())
}
