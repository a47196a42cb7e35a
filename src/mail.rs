//! Mail delivery: SMTP (lettre) when `mail.smtp_url` is set, or an in-memory outbox shown at
//! `/demo/outbox` in demo mode. A trait, because delivery is a real boundary.

use std::sync::Mutex;

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor, message::Mailbox};

use crate::config::MailConfig;

/// One message.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Sends mail. Messages carry one-time codes: implementations never log their bodies.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: Mail) -> anyhow::Result<()>;
    /// The outbox, when this mailer keeps mail instead of sending it.
    fn outbox(&self) -> Option<Vec<Mail>> {
        None
    }
}

/// The mailer the configuration asks for; `None` when mail cannot be sent at all.
pub fn from_config(config: &MailConfig) -> anyhow::Result<Option<std::sync::Arc<dyn Mailer>>> {
    if config.outbox {
        return Ok(Some(std::sync::Arc::new(Outbox::default())));
    }
    let Some(url) = &config.smtp_url else {
        return Ok(None);
    };
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| anyhow::anyhow!("mail.smtp_url cannot be used: {e}"))?
        .build();
    let from: Mailbox = config.from.parse()?;
    Ok(Some(std::sync::Arc::new(Smtp { transport, from })))
}

struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

#[async_trait::async_trait]
impl Mailer for Smtp {
    async fn send(&self, mail: Mail) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse()?)
            .subject(mail.subject)
            .body(mail.body)?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// Keeps the last 100 messages in memory (demo mode).
#[derive(Default)]
pub struct Outbox(Mutex<Vec<Mail>>);

#[async_trait::async_trait]
impl Mailer for Outbox {
    async fn send(&self, mail: Mail) -> anyhow::Result<()> {
        let mut box_ = self.0.lock().unwrap_or_else(|p| p.into_inner());
        box_.push(mail);
        let excess = box_.len().saturating_sub(100);
        box_.drain(..excess);
        Ok(())
    }

    fn outbox(&self) -> Option<Vec<Mail>> {
        Some(self.0.lock().unwrap_or_else(|p| p.into_inner()).clone())
    }
}
