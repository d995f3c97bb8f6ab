//! The server over real HTTP on 127.0.0.1, with a plain client instead of
//! teloxide: a pushed update comes back from `getUpdates`, and JSON, form
//! and multipart requests reach the methods.

use fake_bot_api::{Chat, FakeApi, User, TOKEN};
use serde_json::{json, Value};

/// A plain HTTP client, no proxy from the environment: the fake is on loopback.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client")
}

/// Posts `body` as `content_type` to `method`: the HTTP status and the JSON answer.
async fn post(fake: &FakeApi, method: &str, content_type: &str, body: &str) -> (u16, Value) {
    let response = client()
        .post(format!("{}/bot{TOKEN}/{method}", fake.url()))
        .header("content-type", content_type)
        .body(body.to_string())
        .send()
        .await
        .expect("the fake answers");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("the answer's body");
    (
        status,
        serde_json::from_slice(&body).expect("a JSON answer"),
    )
}

#[tokio::test]
async fn a_pushed_update_comes_back_from_get_updates_until_confirmed() {
    let fake = FakeApi::start().await;
    let user = User::new(7).lang("kk");
    let sent = fake.message(&user, &Chat::private(&user), "/start");
    let (status, answer) = post(&fake, "getUpdates", "application/json", "{}").await;
    assert_eq!(status, 200, "{answer}");
    let updates = answer["result"].as_array().expect("a list of updates");
    assert_eq!(updates.len(), 1, "{answer}");
    assert_eq!(updates[0]["update_id"], json!(sent.update_id));
    assert_eq!(updates[0]["message"]["text"], json!("/start"));
    assert_eq!(updates[0]["message"]["from"]["language_code"], json!("kk"));

    let form = "application/x-www-form-urlencoded";
    let confirm = format!("offset={}&timeout=0", sent.update_id + 1);
    let (status, answer) = post(&fake, "getUpdates", form, &confirm).await;
    assert_eq!((status, &answer["result"]), (200, &json!([])));
    assert_eq!(fake.pending(), 0);
    assert_eq!(fake.count("getUpdates"), 2);
}

#[tokio::test]
async fn a_form_request_sends_a_message_with_its_keyboard() {
    let fake = FakeApi::start().await;
    let user = User::new(8);
    fake.message(&user, &Chat::private(&user), "hi");
    let body = "chat_id=8&parse_mode=HTML&text=%3Cb%3Ehello%3C%2Fb%3E+there\
                &reply_markup=%7B%22inline_keyboard%22%3A%5B%5B%7B%22text%22%3A%22ok%22%2C\
                %22callback_data%22%3A%22x%22%7D%5D%5D%7D";
    let form = "application/x-www-form-urlencoded";
    let (status, answer) = post(&fake, "sendMessage", form, body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["result"]["text"], json!("hello there"));
    let sent = fake.bot_messages(8);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].text.as_deref(), Some("<b>hello</b> there"));
    assert_eq!(sent[0].callback_buttons(), [("ok".into(), "x".into())]);
    let call = fake.calls_of("sendMessage").pop().expect("the call");
    assert_eq!(call.chat_id(), Some(8));
}

#[tokio::test]
async fn a_multipart_set_webhook_is_kept_and_stops_get_updates() {
    let fake = FakeApi::start().await;
    let body = "--x-Bound\r\n\
        Content-Disposition: form-data; name=\"url\"\r\n\r\n\
        https://bot.example.org/hook\r\n\
        --x-Bound\r\n\
        Content-Disposition: form-data; name=\"secret_token\"\r\n\r\n\
        s3cret\r\n\
        --x-Bound--\r\n";
    let multipart = "multipart/form-data; boundary=x-Bound";
    let (status, answer) = post(&fake, "setWebhook", multipart, body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["description"], json!("Webhook was set"));
    let hook = ("https://bot.example.org/hook".into(), Some("s3cret".into()));
    assert_eq!(fake.webhook(), Some(hook));
    let (status, _) = post(&fake, "getUpdates", "application/json", "{}").await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn another_token_is_unauthorized() {
    let fake = FakeApi::start().await;
    let url = format!("{}/bot1:other/getMe", fake.url());
    let response = client().get(url).send().await.expect("the fake answers");
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(fake.calls()[0].error.as_deref(), Some("Unauthorized"));
}
