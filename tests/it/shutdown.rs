//! SIGTERM: the server stops accepting, lets the request in flight finish, and exits cleanly.

use std::time::Duration;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::support::{TestDb, postgres::free_port};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_in_flight_when_sigterm_arrives_completes() {
    let db = TestDb::sqlite();
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_civitas"));
    cmd.arg("serve")
        .current_dir(db.dir.path())
        .kill_on_drop(true);
    for (k, v) in db.env() {
        cmd.env(k, v);
    }
    cmd.env("CIVITAS_LISTEN", format!("127.0.0.1:{port}"))
        .env("CIVITAS_ISSUER", &origin);
    let mut child = cmd.spawn().unwrap();

    // Wait until it serves.
    let mut ready = false;
    for _ in 0..600 {
        if let Ok(r) = reqwest::get(format!("{origin}/healthz")).await
            && r.status() == 200
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server did not start");

    // Start a form post and send only half its body: the handler is now waiting for the rest.
    let body = "lang=fr&next=%2F";
    let (first, rest) = body.split_at(8);
    let mut conn = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "POST /language HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{first}",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let pid = child.id().unwrap().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;

    // New connections are refused while the old request is still being served.
    assert!(
        reqwest::get(format!("{origin}/healthz")).await.is_err(),
        "a stopping server accepts no new connections"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "the server waits for the request in flight"
    );

    conn.write_all(rest.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), conn.read_to_end(&mut response))
        .await
        .expect("the response arrives")
        .unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 303"), "{response}");
    assert!(response.contains("civitas_lang=fr"), "{response}");

    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("the server exits after the request")
        .unwrap();
    assert!(status.success(), "clean exit after SIGTERM: {status:?}");
}
