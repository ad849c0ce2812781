//! Typed configuration, layered: the defaults compiled in from `config/default.toml` < a file
//! given with `--config` < environment variables `NEWS_ENRICHER__SECTION__KEY`.
//!
//! The defaults live in one TOML file that is both documentation and the embedded base layer, so
//! the file users read can never drift from what the binary does. Every struct denies unknown
//! keys and [`Config::validate`] checks relations between keys, so a typo stops the worker at
//! start-up with the key's name instead of being silently ignored in production.

use std::collections::BTreeMap;
use std::path::Path;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// The documented defaults, embedded so the binary runs with no file on disk.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Prefix of environment overrides; sections and keys are separated by `__`.
pub const ENV_PREFIX: &str = "NEWS_ENRICHER__";

/// librdkafka properties the delivery guarantees depend on; the worker sets them itself.
pub const RESERVED_PROPERTIES: [&str; 5] = [
    "enable.auto.commit",
    "enable.auto.offset.store",
    "enable.idempotence",
    "transactional.id",
    "isolation.level",
];

/// Everything the worker can be told. See `config/default.toml` for each key's meaning.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub kafka: KafkaConfig,
    pub topics: TopicsConfig,
    pub delivery: DeliveryConfig,
    pub limits: LimitsConfig,
    pub pipeline: PipelineConfig,
    pub admin: AdminConfig,
    pub log: LogConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaConfig {
    pub brokers: String,
    pub group_id: String,
    pub client_id: String,
    pub session_timeout_ms: u64,
    pub heartbeat_interval_ms: u64,
    /// `earliest` or `latest`: where a group with no committed offset starts.
    pub auto_offset_reset: OffsetReset,
    /// `plaintext`, `ssl`, `sasl_plaintext` or `sasl_ssl`.
    pub security_protocol: SecurityProtocol,
    /// `PLAIN`, `SCRAM-SHA-256` or `SCRAM-SHA-512`; empty for none.
    pub sasl_mechanism: String,
    pub sasl_username: String,
    /// Never logged, never printed (see [`Secret`]).
    pub sasl_password: Secret,
    pub ssl_ca_location: String,
    pub ssl_certificate_location: String,
    pub ssl_key_location: String,
    /// librdkafka statistics interval: consumer lag and producer connection state are read
    /// from the statistics. 0 disables them (and the lag metric).
    pub statistics_interval_ms: u64,
    /// librdkafka properties passed to both consumer and producer, verbatim.
    pub properties: BTreeMap<String, String>,
    /// librdkafka properties for the consumer only.
    pub consumer_properties: BTreeMap<String, String>,
    /// librdkafka properties for the producer only.
    pub producer_properties: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OffsetReset {
    Earliest,
    Latest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityProtocol {
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

impl SecurityProtocol {
    /// The librdkafka spelling.
    pub fn as_librdkafka(self) -> &'static str {
        match self {
            SecurityProtocol::Plaintext => "plaintext",
            SecurityProtocol::Ssl => "ssl",
            SecurityProtocol::SaslPlaintext => "sasl_plaintext",
            SecurityProtocol::SaslSsl => "sasl_ssl",
        }
    }
}

/// A string that never shows in `Debug`, logs or serialised config dumps.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.0.is_empty() { "" } else { "***" })
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TopicsConfig {
    pub input: String,
    pub output: String,
    pub dead_letter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryMode {
    AtLeastOnce,
    ExactlyOnce,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryConfig {
    pub mode: DeliveryMode,
    /// Messages being processed or awaiting their ack at once, over all partitions.
    pub max_in_flight: usize,
    /// How long a revoked partition may take to finish its in-flight work.
    pub drain_timeout_ms: u64,
    /// How often stored offsets are committed (at-least-once) or transactions are committed
    /// (exactly-once).
    pub commit_interval_ms: u64,
    /// Exactly-once: this instance's `transactional.id`; empty means `news-enricher-<hostname>`.
    pub transactional_id: String,
    pub transaction_timeout_ms: u64,
    /// How long the producer keeps retrying one output before the worker backs off.
    pub produce_timeout_ms: u64,
    /// First and largest pause between retries of a retryable failure.
    pub retry_backoff_initial_ms: u64,
    pub retry_backoff_max_ms: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    pub max_message_bytes: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    /// Threads for the CPU-heavy stages; 0 means one per core.
    pub compute_threads: usize,
    /// Longest time one article may spend in the pipeline before the worker gives up on it
    /// and dead-letters it (`internal`); 0 means no limit.
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    pub listen: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A tracing filter (`info`, `news_enricher=debug,rdkafka=warn`, …); `RUST_LOG` wins.
    pub level: String,
}

/// A configuration that cannot be used, with the key at fault in the message.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(String),
    #[error("configuration key `{key}`: {message}")]
    Invalid { key: &'static str, message: String },
}

impl From<figment::Error> for ConfigError {
    fn from(e: figment::Error) -> Self {
        // figment names the key path (`kafka.brokers`) and the source in its message.
        let mut parts = Vec::new();
        for err in e {
            let path = err.path.join(".");
            let origin = err
                .metadata
                .as_ref()
                .map(|m| format!(" (from {})", m.name))
                .unwrap_or_default();
            if path.is_empty() {
                parts.push(format!("{}{origin}", err.kind));
            } else {
                parts.push(format!("key `{path}`: {}{origin}", err.kind));
            }
        }
        ConfigError::Load(parts.join("; "))
    }
}

impl Config {
    /// Defaults < `file` < environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load_from(file, Env::prefixed(ENV_PREFIX).split("__"))
    }

    /// The embedded defaults alone.
    pub fn defaults() -> Result<Config, ConfigError> {
        let config: Config = Figment::from(Toml::string(DEFAULT_TOML)).extract()?;
        config.validate()?;
        Ok(config)
    }

    fn load_from(file: Option<&Path>, env: Env) -> Result<Config, ConfigError> {
        let mut fig = Figment::from(Toml::string(DEFAULT_TOML));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::Load(format!(
                    "file {} does not exist",
                    path.display()
                )));
            }
            fig = fig.merge(Toml::file(path));
        }
        // Env keys arrive lower-cased (`kafka.brokers`); librdkafka property tables keep the
        // dotted names users know, written with `_` for `.` in variables.
        let config: Config = fig.merge(env).extract()?;
        config.validate()?;
        Ok(config)
    }

    /// Relations between keys that types alone cannot express.
    pub fn validate(&self) -> Result<(), ConfigError> {
        fn invalid(key: &'static str, message: impl Into<String>) -> Result<(), ConfigError> {
            Err(ConfigError::Invalid {
                key,
                message: message.into(),
            })
        }
        if self.kafka.brokers.trim().is_empty() {
            return invalid("kafka.brokers", "must name at least one host:port");
        }
        if self.kafka.group_id.trim().is_empty() {
            return invalid("kafka.group_id", "must not be empty");
        }
        for (key, topic) in [
            ("topics.input", &self.topics.input),
            ("topics.output", &self.topics.output),
            ("topics.dead_letter", &self.topics.dead_letter),
        ] {
            if topic.trim().is_empty() {
                return invalid(key, "must not be empty");
            }
        }
        if self.topics.input == self.topics.output || self.topics.input == self.topics.dead_letter {
            return invalid(
                "topics.input",
                "must differ from topics.output and topics.dead_letter (a loop)",
            );
        }
        if self.kafka.heartbeat_interval_ms == 0
            || self.kafka.heartbeat_interval_ms >= self.kafka.session_timeout_ms
        {
            return invalid(
                "kafka.heartbeat_interval_ms",
                "must be above 0 and below kafka.session_timeout_ms",
            );
        }
        if self.delivery.drain_timeout_ms >= self.kafka.session_timeout_ms {
            return invalid(
                "delivery.drain_timeout_ms",
                format!(
                    "must be below kafka.session_timeout_ms ({} ms), or a drain outlives the group session",
                    self.kafka.session_timeout_ms
                ),
            );
        }
        if self.delivery.max_in_flight == 0 {
            return invalid("delivery.max_in_flight", "must be at least 1");
        }
        if self.delivery.commit_interval_ms == 0 {
            return invalid("delivery.commit_interval_ms", "must be at least 1");
        }
        if self.delivery.retry_backoff_initial_ms == 0
            || self.delivery.retry_backoff_initial_ms > self.delivery.retry_backoff_max_ms
        {
            return invalid(
                "delivery.retry_backoff_initial_ms",
                "must be above 0 and at most delivery.retry_backoff_max_ms",
            );
        }
        if self.limits.max_message_bytes < 1024 {
            return invalid("limits.max_message_bytes", "must be at least 1024");
        }
        if self.admin.listen.parse::<std::net::SocketAddr>().is_err() {
            return invalid("admin.listen", "must be an address such as 0.0.0.0:9464");
        }
        for (key, table) in [
            ("kafka.properties", &self.kafka.properties),
            ("kafka.consumer_properties", &self.kafka.consumer_properties),
            ("kafka.producer_properties", &self.kafka.producer_properties),
        ] {
            if let Some(reserved) = table
                .keys()
                .find(|k| RESERVED_PROPERTIES.contains(&k.as_str()))
            {
                return invalid(
                    key,
                    format!(
                        "`{reserved}` is set by the worker from delivery.mode; it cannot be overridden"
                    ),
                );
            }
        }
        if self.delivery.mode == DeliveryMode::ExactlyOnce
            && self.delivery.produce_timeout_ms > self.delivery.transaction_timeout_ms
        {
            return invalid(
                "delivery.produce_timeout_ms",
                "must not exceed delivery.transaction_timeout_ms in exactly-once mode",
            );
        }
        let sasl = matches!(
            self.kafka.security_protocol,
            SecurityProtocol::SaslPlaintext | SecurityProtocol::SaslSsl
        );
        if sasl {
            match self.kafka.sasl_mechanism.as_str() {
                "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512" => {}
                _ => return invalid(
                    "kafka.sasl_mechanism",
                    "must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 with a SASL security_protocol",
                ),
            }
            if self.kafka.sasl_username.is_empty() {
                return invalid("kafka.sasl_username", "is required with SASL");
            }
        }
        Ok(())
    }

    /// The `transactional.id` of this instance in exactly-once mode.
    pub fn transactional_id(&self) -> String {
        if !self.delivery.transactional_id.is_empty() {
            return self.delivery.transactional_id.clone();
        }
        let host = std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.is_empty())
            .or_else(|| {
                std::fs::read_to_string("/etc/hostname")
                    .ok()
                    .map(|h| h.trim().to_string())
            })
            .unwrap_or_else(|| "local".to_string());
        format!("news-enricher-{host}")
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_validate() {
        let c = Config::defaults().unwrap();
        assert_eq!(c.topics.input, "articles.raw");
        assert_eq!(c.topics.output, "articles.enriched");
        assert_eq!(c.topics.dead_letter, "articles.dlq");
        assert_eq!(c.delivery.mode, DeliveryMode::AtLeastOnce);
        assert_eq!(c.limits.max_message_bytes, 10 * 1024 * 1024);
        assert_eq!(c.admin.listen, "0.0.0.0:9464");
    }

    #[test]
    fn env_overrides_file_and_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "c.toml",
                "[kafka]\nbrokers = \"file:1\"\ngroup_id = \"g-file\"\n",
            )?;
            jail.set_env("NEWS_ENRICHER__KAFKA__BROKERS", "env:2");
            jail.set_env("NEWS_ENRICHER__DELIVERY__MODE", "exactly-once");
            jail.set_env("NEWS_ENRICHER__LIMITS__MAX_MESSAGE_BYTES", "65536");
            let c = Config::load(Some(Path::new("c.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.kafka.brokers, "env:2");
            assert_eq!(c.kafka.group_id, "g-file");
            assert_eq!(c.delivery.mode, DeliveryMode::ExactlyOnce);
            assert_eq!(c.limits.max_message_bytes, 65536);
            Ok(())
        });
    }

    #[test]
    fn unknown_key_is_rejected_with_its_name() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("c.toml", "[kafka]\nbrokerz = \"x\"\n")?;
            let err = Config::load(Some(Path::new("c.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("brokerz"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn unknown_env_key_is_rejected() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("NEWS_ENRICHER__TOPICS__INPUTT", "x");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("inputt"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn bad_values_name_their_key() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("NEWS_ENRICHER__DELIVERY__MODE", "twice");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("delivery.mode"), "{err}");
            Ok(())
        });
        figment::Jail::expect_with(|jail| {
            jail.set_env("NEWS_ENRICHER__DELIVERY__DRAIN_TIMEOUT_MS", "999999");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("delivery.drain_timeout_ms"), "{err}");
            Ok(())
        });
        figment::Jail::expect_with(|jail| {
            jail.set_env("NEWS_ENRICHER__LIMITS__MAX_MESSAGE_BYTES", "lots");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("limits.max_message_bytes"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn librdkafka_properties_pass_through_from_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "c.toml",
                "[kafka.properties]\n\"socket.keepalive.enable\" = \"true\"\n",
            )?;
            let c = Config::load(Some(Path::new("c.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(
                c.kafka
                    .properties
                    .get("socket.keepalive.enable")
                    .map(String::as_str),
                Some("true")
            );
            Ok(())
        });
    }

    #[test]
    fn secrets_never_print() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("NEWS_ENRICHER__KAFKA__SASL_PASSWORD", "hunter2-secret");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.kafka.sasl_password.expose(), "hunter2-secret");
            assert!(!format!("{c:?}").contains("hunter2"));
            assert!(!serde_json::to_string(&c).unwrap().contains("hunter2"));
            Ok(())
        });
    }

    #[test]
    fn reserved_librdkafka_properties_are_rejected() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "c.toml",
                "[kafka.consumer_properties]\n\"enable.auto.commit\" = \"true\"\n",
            )?;
            let err = Config::load(Some(Path::new("c.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("kafka.consumer_properties"), "{err}");
            assert!(err.contains("enable.auto.commit"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn worker_keys_have_defaults() {
        let c = Config::defaults().unwrap();
        assert_eq!(c.kafka.statistics_interval_ms, 5000);
        assert_eq!(c.pipeline.timeout_ms, 10000);
        assert!(c.delivery.drain_timeout_ms < c.kafka.session_timeout_ms);
    }
}
