//! Deployment artefacts, tested: the container recipe, the Helm chart, the Prometheus rules and
//! the Grafana dashboard (static checks, and external linters where installed), then the worker
//! itself where operators meet it: every metric the rules and dashboard name exists in a live
//! `/metrics` scrape; TLS and SASL (SCRAM-SHA-512, PLAIN) against a real Apache Kafka with a
//! SASL_SSL listener, with wrong passwords and untrusted certificates; scaling 1 -> 3 -> 1
//! replicas and a rolling restart with nothing lost.
//!
//! # Layout
//!
//! | section | needs |
//! |---|---|
//! | `dockerfile_*` | nothing |
//! | `chart_*` | `helm` (PATH, `$HELM`, `~/go/bin`), `kubernetes-validate` for schemas |
//! | `rules_*`, `dashboard_*` | `promtool` for `check rules` / `test rules` |
//! | `live_*` | the worker binary and the project's Kafka (`KAFKA_BOOTSTRAP`, else `deploy/local/kafka start`) |
//! | `secure_*` | Java + openssl: `deploy/local/secure/kafka-secure` starts its own SASL_SSL broker |
//!
//! A test whose tool is missing prints `SKIPPED <test>: <why>` and returns; with
//! `NEWS_ENRICHER_DEPLOY_TOOLS_REQUIRED=1` (CI) it fails instead, so a missing install step can
//! never pass as green.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_yaml::Value as Yaml;

// ------------------------------------------------------------------------------------------
// helpers

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Says why a test did not run; fails instead where CI demands every tool.
fn skip(test: &str, why: &str) {
    if std::env::var("NEWS_ENRICHER_DEPLOY_TOOLS_REQUIRED").as_deref() == Ok("1") {
        panic!("{test}: {why} (NEWS_ENRICHER_DEPLOY_TOOLS_REQUIRED=1)");
    }
    eprintln!("SKIPPED {test}: {why}");
}

/// A tool by `$ENV_VAR`, then PATH, then a few install locations.
fn tool(name: &str, env_var: &str) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env_var) {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Some(p);
        }
    }
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(&home).join("go/bin"));
        dirs.push(PathBuf::from(&home).join(".local/bin"));
    }
    if let Some(gobin) = std::env::var_os("GOBIN") {
        dirs.push(PathBuf::from(gobin));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// The Kubernetes version manifests are rendered and validated for (a helm built with
/// `go install` defaults to 1.20, below the chart's kubeVersion).
const KUBE_VERSION: &str = "1.30.0";

fn chart_dir() -> PathBuf {
    repo().join("deploy/helm/news-enricher")
}

/// `helm template` with `--set` pairs; Ok(manifests) or Err(stderr).
fn helm_template(helm: &Path, sets: &[&str]) -> Result<Vec<Yaml>, String> {
    let mut cmd = Command::new(helm);
    cmd.args(["template", "ne", chart_dir().to_str().unwrap_or_default()])
        .args(["--namespace", "news", "--kube-version", KUBE_VERSION]);
    for s in sets {
        cmd.args(["--set", s]);
    }
    let out = run(&mut cmd);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut docs = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(&text) {
        let v = <Yaml as serde::Deserialize>::deserialize(doc)
            .unwrap_or_else(|e| panic!("helm output is not YAML: {e}\n{text}"));
        if !v.is_null() {
            docs.push(v);
        }
    }
    Ok(docs)
}

fn kind<'a>(docs: &'a [Yaml], kind: &str) -> Vec<&'a Yaml> {
    docs.iter()
        .filter(|d| d["kind"].as_str() == Some(kind))
        .collect()
}

fn one<'a>(docs: &'a [Yaml], k: &str) -> &'a Yaml {
    let found = kind(docs, k);
    assert_eq!(found.len(), 1, "expected one {k}, found {}", found.len());
    found[0]
}

fn as_i64(v: &Yaml) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("not an integer: {v:?}"))
}

fn container(deploy: &Yaml) -> &Yaml {
    &deploy["spec"]["template"]["spec"]["containers"][0]
}

fn env_var<'a>(container: &'a Yaml, name: &str) -> Option<&'a Yaml> {
    container["env"]
        .as_sequence()?
        .iter()
        .find(|e| e["name"].as_str() == Some(name))
}

/// The worker's configuration as a pod of the rendered Deployment sees it: the ConfigMap's
/// file plus the container's NEWS_ENRICHER__ environment (Secret references stand in as
/// placeholders), loaded by the worker's own loader.
#[allow(clippy::result_large_err)] // figment's Jail closure returns figment's own large error
fn load_rendered_config(docs: &[Yaml]) -> news_enricher::config::Config {
    let cm = one(docs, "ConfigMap");
    let toml = cm["data"]["news-enricher.toml"]
        .as_str()
        .expect("ConfigMap has news-enricher.toml")
        .to_string();
    let env: Vec<(String, String)> = container(one(docs, "Deployment"))["env"]
        .as_sequence()
        .map(|s| s.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            let name = e["name"].as_str()?.to_string();
            let value = e["value"].as_str().unwrap_or("from-a-secret").to_string();
            name.starts_with("NEWS_ENRICHER__").then_some((name, value))
        })
        .collect();
    let mut loaded = None;
    figment::Jail::expect_with(|jail| {
        jail.create_file("news-enricher.toml", &toml)?;
        for (k, v) in &env {
            jail.set_env(k, v);
        }
        loaded = Some(
            news_enricher::config::Config::load(Some(Path::new("news-enricher.toml")))
                .map_err(|e| e.to_string()),
        );
        Ok(())
    });
    match loaded {
        Some(Ok(c)) => c,
        Some(Err(e)) => panic!("the worker rejects the chart's config: {e}\n{toml}"),
        None => panic!("config not loaded"),
    }
}

// ------------------------------------------------------------------------------------------
// Dockerfile

#[test]
fn dockerfile_is_multistage_cached_slim_nonroot_with_healthcheck() {
    let df = read("deploy/Dockerfile");
    let lines: Vec<&str> = df
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    let froms: Vec<&&str> = lines.iter().filter(|l| l.starts_with("FROM ")).collect();
    assert!(froms.len() >= 3, "multi-stage build expected: {froms:?}");
    // Dependency layer cached separately from the sources.
    let cook = df.find("cargo chef cook").expect("cargo chef cook");
    let prepare = df.find("cargo chef prepare").expect("cargo chef prepare");
    let build = df
        .find("cargo build --release")
        .expect("cargo build --release");
    assert!(prepare < cook && cook < build);
    let copy_all_after_cook = df[cook..build].contains("COPY . .");
    assert!(
        copy_all_after_cook,
        "sources copied after the dependency layer"
    );
    assert!(df.contains("--locked"), "builds from Cargo.lock");
    // Runtime stage: slim, CA certificates, tzdata, non-root numeric user, healthcheck.
    let runtime = df.rfind("\nFROM ").map(|i| &df[i..]).expect("final stage");
    assert!(runtime.contains("-slim"), "slim runtime base");
    assert!(runtime.contains("ca-certificates"));
    assert!(runtime.contains("tzdata"));
    assert!(
        runtime.contains("--version"),
        "binary checked in the runtime image"
    );
    let user = runtime
        .lines()
        .find(|l| l.starts_with("USER "))
        .expect("USER in runtime stage");
    let uid: u32 = user[5..]
        .split(':')
        .next()
        .and_then(|u| u.trim().parse().ok())
        .expect("numeric UID, so runAsNonRoot can verify it");
    assert!(uid >= 1000, "non-root UID, got {uid}");
    assert!(runtime.contains("HEALTHCHECK"));
    // Environment beats config files: an ENV default in the image would override the chart's
    // ConfigMap.
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("ENV") && l.contains("NEWS_ENRICHER__")),
        "no NEWS_ENRICHER__ ENV defaults in the image"
    );
    assert!(runtime.contains("/livez"));
    assert!(runtime.contains("ENTRYPOINT [\"/usr/local/bin/news-enricher\"]"));
    assert!(runtime.contains("CMD [\"run\"]"));
    // The chart runs the same UID.
    let values = read("deploy/helm/news-enricher/values.yaml");
    assert!(values.contains(&format!("runAsUser: {uid}")));
}

#[test]
fn dockerignore_keeps_every_build_input() {
    let ignore = read("deploy/Dockerfile.dockerignore");
    let patterns: BTreeSet<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    for needed in [
        "src",
        "crates",
        "config",
        "models",
        "samples",
        "benches",
        "tests",
        "Cargo.toml",
        "Cargo.lock",
    ] {
        assert!(
            !patterns.contains(needed),
            "{needed} is needed by the build"
        );
        assert!(
            repo().join(needed).exists(),
            "{needed} missing from the repo"
        );
    }
    assert!(patterns.contains("target") && patterns.contains(".git"));
}

// ------------------------------------------------------------------------------------------
// Helm chart

fn helm_or_skip(test: &str) -> Option<PathBuf> {
    let h = tool("helm", "HELM");
    if h.is_none() {
        skip(
            test,
            "helm not found (go install helm.sh/helm/v3/cmd/helm@v3.22.0, or set HELM)",
        );
    }
    h
}

#[test]
fn chart_default_render_has_every_piece() {
    let Some(helm) = helm_or_skip("chart_default_render_has_every_piece") else {
        return;
    };
    let docs = helm_template(&helm, &[]).expect("default values render");
    let kinds: BTreeSet<&str> = docs.iter().filter_map(|d| d["kind"].as_str()).collect();
    for k in [
        "Deployment",
        "ConfigMap",
        "Service",
        "ServiceAccount",
        "ServiceMonitor",
        "PodDisruptionBudget",
        "ScaledObject",
    ] {
        assert!(kinds.contains(k), "{k} missing: {kinds:?}");
    }

    let cfg = load_rendered_config(&docs);
    let deploy = one(&docs, "Deployment");
    let pod = &deploy["spec"]["template"]["spec"];
    let c = container(deploy);

    // Runs `news-enricher run` with the ConfigMap's file.
    let args: Vec<&str> = c["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    assert_eq!(
        args,
        ["run", "--config", "/etc/news-enricher/news-enricher.toml"]
    );

    // Probes on /livez and /readyz of the admin port.
    assert_eq!(
        c["livenessProbe"]["httpGet"]["path"].as_str(),
        Some("/livez")
    );
    assert_eq!(
        c["readinessProbe"]["httpGet"]["path"].as_str(),
        Some("/readyz")
    );
    assert_eq!(
        c["readinessProbe"]["httpGet"]["port"].as_str(),
        Some("admin")
    );
    let admin_port = as_i64(&c["ports"][0]["containerPort"]);
    assert_eq!(c["ports"][0]["name"].as_str(), Some("admin"));
    assert!(cfg.admin.listen.ends_with(&format!(":{admin_port}")));

    // Graceful termination longer than the drain.
    let grace = as_i64(&pod["terminationGracePeriodSeconds"]);
    assert!(
        grace * 1000 > cfg.delivery.drain_timeout_ms as i64,
        "grace {grace}s vs drain {} ms",
        cfg.delivery.drain_timeout_ms
    );

    // Resources requested; memory limited; non-root, read-only, no privileges.
    assert!(!c["resources"]["requests"]["cpu"].is_null());
    assert!(!c["resources"]["requests"]["memory"].is_null());
    assert!(!c["resources"]["limits"]["memory"].is_null());
    assert_eq!(pod["securityContext"]["runAsNonRoot"].as_bool(), Some(true));
    assert!(as_i64(&pod["securityContext"]["runAsUser"]) > 0);
    assert_eq!(
        c["securityContext"]["readOnlyRootFilesystem"].as_bool(),
        Some(true)
    );
    assert_eq!(
        c["securityContext"]["allowPrivilegeEscalation"].as_bool(),
        Some(false)
    );

    // KEDA owns the replica count; the Deployment does not fight it.
    assert!(deploy["spec"]["replicas"].is_null());

    // Service and ServiceMonitor on the admin port.
    let svc = one(&docs, "Service");
    assert_eq!(svc["spec"]["ports"][0]["name"].as_str(), Some("admin"));
    let sm = one(&docs, "ServiceMonitor");
    assert_eq!(sm["spec"]["endpoints"][0]["port"].as_str(), Some("admin"));
    assert_eq!(
        sm["spec"]["endpoints"][0]["path"].as_str(),
        Some("/metrics")
    );
    let sel = &sm["spec"]["selector"]["matchLabels"];
    for (k, v) in sel.as_mapping().unwrap() {
        assert_eq!(
            &svc["metadata"]["labels"][k], v,
            "ServiceMonitor selects the Service"
        );
    }

    // PDB lets at most one worker go at once and selects the pods.
    let pdb = one(&docs, "PodDisruptionBudget");
    assert_eq!(as_i64(&pdb["spec"]["maxUnavailable"]), 1);
    for (k, v) in pdb["spec"]["selector"]["matchLabels"].as_mapping().unwrap() {
        assert_eq!(&deploy["spec"]["template"]["metadata"]["labels"][k], v);
    }

    // KEDA scales the Deployment on this group's lag on the input topic, never past the
    // partition count.
    let so = one(&docs, "ScaledObject");
    assert_eq!(
        so["spec"]["scaleTargetRef"]["name"],
        deploy["metadata"]["name"]
    );
    let trig = &so["spec"]["triggers"][0];
    assert_eq!(trig["type"].as_str(), Some("kafka"));
    assert_eq!(
        trig["metadata"]["consumerGroup"].as_str(),
        Some(cfg.kafka.group_id.as_str())
    );
    assert_eq!(
        trig["metadata"]["topic"].as_str(),
        Some(cfg.topics.input.as_str())
    );
    assert_eq!(
        trig["metadata"]["bootstrapServers"].as_str(),
        Some(cfg.kafka.brokers.as_str())
    );
    let values: Yaml =
        serde_yaml::from_str(&read("deploy/helm/news-enricher/values.yaml")).unwrap();
    let partitions = as_i64(&values["inputPartitions"]);
    let max = as_i64(&so["spec"]["maxReplicaCount"]);
    assert!(
        max >= 1 && max <= partitions,
        "maxReplicaCount {max} vs {partitions} partitions"
    );
    assert!(as_i64(&so["spec"]["minReplicaCount"]) >= 1);

    // No Secret is rendered from values, and nothing password-like sits in the ConfigMap.
    assert!(kind(&docs, "Secret").is_empty());
    let toml = one(&docs, "ConfigMap")["data"]["news-enricher.toml"]
        .as_str()
        .unwrap();
    assert!(!toml.contains("sasl_password"));
}

#[test]
fn chart_secure_render_takes_credentials_from_secrets() {
    let Some(helm) = helm_or_skip("chart_secure_render_takes_credentials_from_secrets") else {
        return;
    };
    let sets = [
        "config.kafka.security_protocol=sasl_ssl",
        "config.kafka.sasl_mechanism=SCRAM-SHA-512",
        "kafkaAuth.sasl.existingSecret=kafka-creds",
        "kafkaAuth.tls.caSecret=kafka-ca",
        "kafkaAuth.tls.clientCertSecret=kafka-client",
    ];
    let docs = helm_template(&helm, &sets).expect("secure values render");
    let cfg = load_rendered_config(&docs);
    assert_eq!(cfg.kafka.sasl_mechanism, "SCRAM-SHA-512");
    assert_eq!(
        cfg.kafka.ssl_ca_location,
        "/etc/news-enricher/tls/ca/ca.crt"
    );
    assert_eq!(
        cfg.kafka.ssl_certificate_location,
        "/etc/news-enricher/tls/client/tls.crt"
    );
    let toml = one(&docs, "ConfigMap")["data"]["news-enricher.toml"]
        .as_str()
        .unwrap();
    assert!(!toml.contains("sasl_password") && !toml.contains("sasl_username"));

    let deploy = one(&docs, "Deployment");
    let c = container(deploy);
    let pw = env_var(c, "NEWS_ENRICHER__KAFKA__SASL_PASSWORD").expect("password env");
    assert_eq!(
        pw["valueFrom"]["secretKeyRef"]["name"].as_str(),
        Some("kafka-creds")
    );
    assert_eq!(
        pw["valueFrom"]["secretKeyRef"]["key"].as_str(),
        Some("password")
    );
    assert!(pw["value"].is_null(), "never a literal value");
    let user = env_var(c, "NEWS_ENRICHER__KAFKA__SASL_USERNAME").expect("username env");
    assert_eq!(
        user["valueFrom"]["secretKeyRef"]["name"].as_str(),
        Some("kafka-creds")
    );

    // The CA Secret is mounted where ssl_ca_location points.
    let mounts = c["volumeMounts"].as_sequence().unwrap();
    assert!(mounts
        .iter()
        .any(|m| m["mountPath"].as_str() == Some("/etc/news-enricher/tls/ca")));
    let vols = deploy["spec"]["template"]["spec"]["volumes"]
        .as_sequence()
        .unwrap();
    assert!(vols
        .iter()
        .any(|v| v["secret"]["secretName"].as_str() == Some("kafka-ca")));

    // KEDA reads the lag with the same credentials.
    let ta = one(&docs, "TriggerAuthentication");
    let refs = ta["spec"]["secretTargetRef"].as_sequence().unwrap();
    let params: BTreeSet<&str> = refs
        .iter()
        .filter_map(|r| r["parameter"].as_str())
        .collect();
    for p in ["username", "password", "ca", "cert", "key"] {
        assert!(params.contains(p), "TriggerAuthentication lacks {p}");
    }
    let so = one(&docs, "ScaledObject");
    let md = &so["spec"]["triggers"][0]["metadata"];
    assert_eq!(md["sasl"].as_str(), Some("scram_sha512"));
    assert_eq!(md["tls"].as_str(), Some("enable"));
}

#[test]
fn chart_refuses_unsafe_values_with_a_message_naming_the_value() {
    let Some(helm) = helm_or_skip("chart_refuses_unsafe_values_with_a_message_naming_the_value")
    else {
        return;
    };
    let cases: &[(&[&str], &str)] = &[
        (
            &["inputPartitions=6", "keda.maxReplicaCount=8"],
            "keda.maxReplicaCount",
        ),
        (
            &["keda.enabled=false", "inputPartitions=2", "replicaCount=3"],
            "replicaCount",
        ),
        (
            &["terminationGracePeriodSeconds=10"],
            "terminationGracePeriodSeconds",
        ),
        (
            &["config.delivery.drain_timeout_ms=40000"],
            "terminationGracePeriodSeconds",
        ),
        (
            &["config.kafka.security_protocol=sasl_ssl"],
            "kafkaAuth.sasl.existingSecret",
        ),
        (
            &["config.kafka.sasl_password=hunter2"],
            "config.kafka.sasl_password",
        ),
        (&["config.admin.listen=0.0.0.0:9000"], "service.port"),
        // values.schema.json: misspelt names and wrong values fail before any template runs.
        (&["kedaa.enabled=false"], "kedaa"),
        (&["config.kafak.brokers=k:9092"], "kafak"),
        (&["config.delivery.mode=twice"], "/config/delivery/mode"),
        (&["inputPartitions=0"], "/inputPartitions"),
    ];
    for (sets, expected) in cases {
        match helm_template(&helm, sets) {
            Ok(_) => panic!("{sets:?} rendered; expected a refusal naming {expected}"),
            Err(e) => {
                assert!(e.contains(expected), "{sets:?}: {e}");
                assert!(
                    !e.contains("hunter2"),
                    "the refusal repeats the password: {e}"
                );
            }
        }
    }
}

#[test]
fn chart_config_values_render_as_typed_toml() {
    let Some(helm) = helm_or_skip("chart_config_values_render_as_typed_toml") else {
        return;
    };
    let docs = helm_template(
        &helm,
        &[
            "config.limits.max_message_bytes=2097152",
            "config.delivery.mode=exactly-once",
            "config.kafka.producer_properties.linger\\.ms=20",
            "config.pipeline.compute_threads=2",
        ],
    )
    .expect("renders");
    let cfg = load_rendered_config(&docs);
    assert_eq!(cfg.limits.max_message_bytes, 2_097_152);
    assert_eq!(
        cfg.delivery.mode,
        news_enricher::config::DeliveryMode::ExactlyOnce
    );
    assert_eq!(cfg.pipeline.compute_threads, 2);
    assert_eq!(
        cfg.kafka
            .producer_properties
            .get("linger.ms")
            .map(String::as_str),
        Some("20")
    );
    // Tables merge with config/default.toml: its other properties stay.
    assert_eq!(
        cfg.kafka
            .producer_properties
            .get("compression.type")
            .map(String::as_str),
        Some("lz4")
    );
}

#[test]
fn chart_lints_and_validates_against_kubernetes_schemas() {
    let Some(helm) = helm_or_skip("chart_lints_and_validates_against_kubernetes_schemas") else {
        return;
    };
    let out = run(Command::new(&helm)
        .args(["lint", "--strict", "--kube-version", KUBE_VERSION])
        .arg(chart_dir()));
    assert!(
        out.status.success(),
        "helm lint: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let Some(validator) = tool("kubernetes-validate", "KUBERNETES_VALIDATE") else {
        skip(
            "chart_lints_and_validates_against_kubernetes_schemas (schemas)",
            "kubernetes-validate not found (pip install kubernetes-validate)",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let variants: &[&[&str]] = &[
        &[],
        &[
            "config.kafka.security_protocol=sasl_ssl",
            "config.kafka.sasl_mechanism=PLAIN",
            "kafkaAuth.sasl.existingSecret=s",
            "kafkaAuth.tls.caSecret=ca",
            "keda.enabled=false",
            "replicaCount=3",
        ],
    ];
    for (i, sets) in variants.iter().enumerate() {
        // Core kinds only: CRD kinds (ServiceMonitor, ScaledObject) have no built-in schema.
        let docs = helm_template(&helm, sets).unwrap();
        for (j, d) in docs.iter().enumerate() {
            let api = d["apiVersion"].as_str().unwrap_or_default();
            if api.contains("monitoring.coreos.com") || api.contains("keda.sh") {
                continue;
            }
            let path = dir.path().join(format!("{i}-{j}.yaml"));
            std::fs::write(&path, serde_yaml::to_string(d).unwrap()).unwrap();
        }
    }
    let files: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!files.is_empty());
    let out = run(Command::new(&validator)
        .args(["--strict", "--kubernetes-version", KUBE_VERSION])
        .args(&files));
    assert!(
        out.status.success(),
        "kubernetes-validate: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn chart_values_are_documented_key_by_key() {
    // Every top-level key and every leaf (a key with its value on the line) has its own comment:
    // on the line(s) just above it, or at the end of its line. Maps inside a documented key
    // (config sections, securityContext) are grouping only.
    let text = read("deploy/helm/news-enricher/values.yaml");
    let lines: Vec<&str> = text.lines().collect();
    let mut undocumented = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') || t.starts_with('-') {
            continue;
        }
        let indent = line.len() - t.len();
        let Some((key, rest)) = t.split_once(':') else {
            continue;
        };
        let rest = rest.trim();
        let leaf = !rest.is_empty() && !rest.starts_with('#');
        if indent > 0 && !leaf {
            continue;
        }
        let above = i
            .checked_sub(1)
            .map(|j| lines[j].trim())
            .unwrap_or_default();
        if !(above.starts_with('#') || rest.contains(" # ") || rest.starts_with('#')) {
            undocumented.push(format!("line {}: {key}", i + 1));
        }
    }
    assert!(
        undocumented.is_empty(),
        "undocumented values: {undocumented:#?}"
    );
}

#[test]
fn chart_copies_of_rules_and_dashboard_match_the_sources() {
    for (copy, source) in [
        (
            "deploy/helm/news-enricher/files/news-enricher-rules.yaml",
            "deploy/prometheus/news-enricher-rules.yaml",
        ),
        (
            "deploy/helm/news-enricher/files/news-enricher-dashboard.json",
            "deploy/grafana/news-enricher-dashboard.json",
        ),
    ] {
        assert_eq!(
            read(copy),
            read(source),
            "{copy} differs from {source}: cp {source} {copy}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Prometheus rules and Grafana dashboard

const RULES: &str = "deploy/prometheus/news-enricher-rules.yaml";
const RULE_TESTS: &str = "deploy/prometheus/news-enricher-rules.test.yaml";
const DASHBOARD: &str = "deploy/grafana/news-enricher-dashboard.json";

/// Every `news_enricher_*` name in a text.
fn metric_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(pos) = text[i..].find("news_enricher_") {
        let start = i + pos;
        let boundary = start == 0 || {
            let c = bytes[start - 1];
            !(c.is_ascii_alphanumeric() || c == b'_')
        };
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        if boundary {
            names.insert(text[start..end].to_string());
        }
        i = end.max(start + 1);
    }
    names
}

fn rule_exprs() -> Vec<(String, String)> {
    let rules: Yaml = serde_yaml::from_str(&read(RULES)).unwrap();
    let mut out = Vec::new();
    for g in rules["groups"].as_sequence().expect("groups") {
        for r in g["rules"].as_sequence().expect("rules") {
            let name = r["alert"]
                .as_str()
                .or_else(|| r["record"].as_str())
                .unwrap()
                .to_string();
            out.push((name, r["expr"].as_str().unwrap().to_string()));
        }
    }
    out
}

fn dashboard_exprs() -> Vec<(String, String)> {
    let d: serde_json::Value = serde_json::from_str(&read(DASHBOARD)).unwrap();
    let mut out = Vec::new();
    for p in d["panels"].as_array().unwrap() {
        for t in p["targets"].as_array().into_iter().flatten() {
            if let Some(e) = t["expr"].as_str() {
                out.push((
                    p["title"].as_str().unwrap_or_default().to_string(),
                    e.to_string(),
                ));
            }
        }
    }
    for v in d["templating"]["list"].as_array().into_iter().flatten() {
        if let Some(q) = v["query"].as_str().or_else(|| v["query"]["query"].as_str()) {
            out.push((format!("variable {}", v["name"]), q.to_string()));
        }
    }
    out
}

/// Metric names the rules and the dashboard use, less names of recording rules.
fn names_used() -> BTreeSet<String> {
    let exprs: Vec<(String, String)> = rule_exprs().into_iter().chain(dashboard_exprs()).collect();
    let records: BTreeSet<String> = rule_exprs().into_iter().map(|(n, _)| n).collect();
    exprs
        .iter()
        .flat_map(|(_, e)| metric_names(e))
        .filter(|n| !records.contains(n))
        .collect()
}

#[test]
fn rules_cover_the_operational_alerts_with_runbooks() {
    let rules: Yaml = serde_yaml::from_str(&read(RULES)).unwrap();
    let guide = read("docs/operations.md");
    let mut alerts = BTreeMap::new();
    for g in rules["groups"].as_sequence().unwrap() {
        for r in g["rules"].as_sequence().unwrap() {
            if let Some(a) = r["alert"].as_str() {
                alerts.insert(a.to_string(), r.clone());
            }
        }
    }
    for required in [
        "NewsEnricherConsumerLagGrowing",
        "NewsEnricherDeadLetterRateHigh",
        "NewsEnricherNoOutputWhileInputArrives",
        "NewsEnricherRebalanceStorm",
        "NewsEnricherNotReady",
    ] {
        let r = alerts
            .get(required)
            .unwrap_or_else(|| panic!("alert {required} missing"));
        assert!(
            r["labels"]["severity"].as_str().is_some(),
            "{required}: severity"
        );
        assert!(
            r["annotations"]["summary"].as_str().is_some(),
            "{required}: summary"
        );
        let runbook = r["annotations"]["runbook_url"].as_str().unwrap_or_default();
        let anchor = runbook
            .rsplit_once('#')
            .map(|(_, a)| a)
            .unwrap_or_else(|| panic!("{required}: runbook_url with #anchor"));
        assert!(
            guide.contains(&format!("<a id=\"{anchor}\"></a>")),
            "{required}: docs/operations.md has no anchor {anchor}"
        );
    }
    let lag = &alerts["NewsEnricherConsumerLagGrowing"];
    assert_eq!(
        lag["for"].as_str(),
        Some("10m"),
        "lag growing for 10 minutes"
    );
}

#[test]
fn rules_pass_promtool_check_and_unit_tests() {
    let Some(promtool) = tool("promtool", "PROMTOOL") else {
        skip(
            "rules_pass_promtool_check_and_unit_tests",
            "promtool not found (apt-get install prometheus)",
        );
        return;
    };
    let out = run(Command::new(&promtool)
        .args(["check", "rules"])
        .arg(repo().join(RULES)));
    assert!(
        out.status.success(),
        "promtool check rules: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(Command::new(&promtool)
        .current_dir(repo().join("deploy/prometheus"))
        .args(["test", "rules", "news-enricher-rules.test.yaml"]));
    assert!(
        out.status.success(),
        "promtool test rules: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo().join(RULE_TESTS).exists());
}

#[test]
fn dashboard_is_grafana_json_with_the_required_panels() {
    let d: serde_json::Value = serde_json::from_str(&read(DASHBOARD)).expect("valid JSON");
    assert!(d["uid"]
        .as_str()
        .is_some_and(|u| !u.is_empty() && u.len() <= 40));
    assert!(d["schemaVersion"].as_i64().unwrap_or(0) >= 36);
    let panels = d["panels"].as_array().expect("panels");
    let mut ids = BTreeSet::new();
    let titles: Vec<String> = panels
        .iter()
        .map(|p| p["title"].as_str().unwrap_or_default().to_lowercase())
        .collect();
    for p in panels {
        assert!(
            ids.insert(p["id"].as_i64().expect("panel id")),
            "duplicate panel id"
        );
        if p["type"].as_str() != Some("row") {
            let targets = p["targets"].as_array().expect("targets");
            assert!(!targets.is_empty(), "panel {} has no query", p["title"]);
            assert_eq!(
                p["datasource"]["uid"].as_str(),
                Some("${datasource}"),
                "panel {} uses the datasource variable",
                p["title"]
            );
        }
    }
    for needed in [
        "throughput",
        "lag by partition",
        "stage latency",
        "dead letters by reason",
        "quality",
    ] {
        assert!(
            titles.iter().any(|t| t.contains(needed)),
            "no panel titled like {needed:?}: {titles:?}"
        );
    }
}

#[test]
fn rules_and_dashboard_use_only_metrics_the_worker_defines() {
    // The static half of the live check: every name is declared in src/metrics.rs.
    let source = read("src/metrics.rs");
    let used = names_used();
    assert!(!used.is_empty());
    let missing: Vec<&String> = used
        .iter()
        .filter(|n| {
            let base = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| n.strip_suffix(s))
                .unwrap_or(n);
            let short = base.strip_prefix("news_enricher_").unwrap_or(base);
            !(source.contains(&format!("\"{base}\"")) || source.contains(&format!("\"{short}\"")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "named in rules/dashboard but not in src/metrics.rs: {missing:?}"
    );
}

// ------------------------------------------------------------------------------------------
// Live: the worker against a real Apache Kafka

mod live {
    use super::*;
    use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
    use rdkafka::client::DefaultClientContext;
    use rdkafka::config::ClientConfig;
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::message::{Headers, Message};
    use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicU32, Ordering};

    pub const BIN: &str = env!("CARGO_BIN_EXE_news-enricher");

    /// A per-process unique suffix for topics and groups.
    pub fn unique(prefix: &str) -> String {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        format!(
            "{prefix}-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            nanos % 100_000
        )
    }

    /// The project's local Kafka: `KAFKA_BOOTSTRAP`, else `deploy/local/kafka start`.
    pub fn bootstrap(test: &str) -> Option<String> {
        if let Ok(b) = std::env::var("KAFKA_BOOTSTRAP") {
            if !b.is_empty() {
                return Some(b);
            }
        }
        if tool("java", "JAVA").is_none() {
            skip(
                test,
                "no KAFKA_BOOTSTRAP and no java to start deploy/local/kafka",
            );
            return None;
        }
        let out = run(Command::new(repo().join("deploy/local/kafka")).arg("start"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        match stdout
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("BOOTSTRAP="))
        {
            Some(b) if out.status.success() => Some(b.trim().to_string()),
            _ => {
                skip(
                    test,
                    &format!(
                        "deploy/local/kafka start failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    ),
                );
                None
            }
        }
    }

    /// One test's topics and consumer group: unique names, created on the broker (the
    /// dead-letter topic with one partition).
    pub struct TestTopics {
        pub input: String,
        pub output: String,
        pub dlq: String,
        pub group: String,
    }

    impl TestTopics {
        pub fn create(bootstrap: &str, prefix: &str, input_parts: i32, output_parts: i32) -> Self {
            let t = TestTopics {
                input: unique(&format!("{prefix}-in")),
                output: unique(&format!("{prefix}-out")),
                dlq: unique(&format!("{prefix}-dlq")),
                group: unique(&format!("{prefix}-g")),
            };
            create_topics(
                bootstrap,
                &[],
                &[
                    (&t.input, input_parts),
                    (&t.output, output_parts),
                    (&t.dlq, 1),
                ],
            );
            t
        }

        /// A worker on these topics, with extra environment.
        pub fn spec<'a>(
            &'a self,
            bootstrap: &'a str,
            env: Vec<(String, String)>,
        ) -> WorkerSpec<'a> {
            WorkerSpec {
                bootstrap,
                group: &self.group,
                input: &self.input,
                output: &self.output,
                dead_letter: &self.dlq,
                env,
            }
        }
    }

    pub fn create_topics(bootstrap: &str, extra: &[(&str, &str)], topics: &[(&str, i32)]) {
        let mut cfg = ClientConfig::new();
        cfg.set("bootstrap.servers", bootstrap);
        for (k, v) in extra {
            cfg.set(*k, *v);
        }
        let admin: AdminClient<DefaultClientContext> = cfg.create().expect("admin client");
        let new: Vec<NewTopic> = topics
            .iter()
            .map(|(t, p)| NewTopic::new(t, *p, TopicReplication::Fixed(1)))
            .collect();
        let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
        let res =
            futures::executor::block_on(admin.create_topics(&new, &opts)).expect("create_topics");
        for r in res {
            if let Err((t, e)) = r {
                if e != rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists {
                    panic!("create topic {t}: {e}");
                }
            }
        }
    }

    pub fn producer(bootstrap: &str) -> ThreadedProducer<DefaultProducerContext> {
        ClientConfig::new()
            .set("bootstrap.servers", bootstrap)
            .set("enable.idempotence", "true")
            .set("linger.ms", "5")
            .create()
            .expect("producer")
    }

    /// A small article with a title, an author, a date and names, as a JSON envelope.
    pub fn good_input(id: &str) -> Vec<u8> {
        let html = format!(
            "<html><head><title>Council approves bridge {id}</title>\
             <meta name=\"author\" content=\"Jane Doe\">\
             <meta property=\"article:published_time\" content=\"2026-11-20T10:00:00+01:00\">\
             </head><body><article><h1>Council approves bridge {id}</h1>\
             <p>Mayor John Smith said on Tuesday that the Springfield city council had approved \
             the new bridge over the Elm River. Construction by Acme Corporation starts in March \
             and is expected to take two years.</p>\
             <p>The bridge will connect the old town with the university campus, Smith told \
             reporters in Springfield on Tuesday evening.</p></article></body></html>"
        );
        serde_json::to_vec(&serde_json::json!({
            "id": id,
            "url": format!("https://news.example/{id}"),
            "html": html,
        }))
        .unwrap()
    }

    /// An envelope the contract rejects (no content field): a dead letter with its id.
    pub fn bad_input(id: &str) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({"id": id, "url": "https://news.example/x"})).unwrap()
    }

    pub fn produce(
        p: &ThreadedProducer<DefaultProducerContext>,
        topic: &str,
        id: &str,
        value: &[u8],
    ) {
        let mut rec = BaseRecord::to(topic).key(id).payload(value);
        loop {
            match p.send(rec) {
                Ok(()) => return,
                Err((e, r)) => {
                    if e.rdkafka_error_code() != Some(rdkafka::types::RDKafkaErrorCode::QueueFull) {
                        panic!("produce: {e}");
                    }
                    rec = r;
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
    }

    pub fn flush(p: &ThreadedProducer<DefaultProducerContext>) {
        p.flush(Duration::from_secs(30)).expect("flush");
    }

    /// Input id of an output record: the event's `id`, or the dead letter's original envelope.
    fn input_id(value: &[u8]) -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(value).ok()?;
        v["id"].as_str().map(str::to_string)
    }

    /// Outputs per input id, over the output and dead-letter topics, read_committed, until
    /// `expected` distinct ids were seen and the topics stayed quiet for `quiet`, or `timeout`.
    pub fn collect_outputs(
        bootstrap: &str,
        topics: &[&str],
        expected: usize,
        timeout: Duration,
        quiet: Duration,
    ) -> BTreeMap<String, usize> {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", bootstrap)
            .set("group.id", unique("collector"))
            .set("auto.offset.reset", "earliest")
            .set("enable.auto.commit", "false")
            .set("isolation.level", "read_committed")
            .create()
            .expect("consumer");
        consumer.subscribe(topics).expect("subscribe");
        let mut counts = BTreeMap::new();
        let start = Instant::now();
        let mut last = Instant::now();
        while start.elapsed() < timeout {
            match consumer.poll(Duration::from_millis(200)) {
                Some(Ok(m)) => {
                    last = Instant::now();
                    if let Some(id) = m.payload().and_then(input_id) {
                        *counts.entry(id).or_insert(0) += 1;
                    }
                }
                Some(Err(e)) => eprintln!("collector: {e}"),
                None => {
                    if counts.len() >= expected && last.elapsed() >= quiet {
                        break;
                    }
                }
            }
        }
        counts
    }

    /// The dead-letter reason header of each dead letter, by input id.
    pub fn dead_letter_reasons(bootstrap: &str, topic: &str, n: usize) -> BTreeMap<String, String> {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", bootstrap)
            .set("group.id", unique("dlq-reader"))
            .set("auto.offset.reset", "earliest")
            .set("enable.auto.commit", "false")
            .create()
            .expect("consumer");
        consumer.subscribe(&[topic]).expect("subscribe");
        let mut out = BTreeMap::new();
        let start = Instant::now();
        while out.len() < n && start.elapsed() < Duration::from_secs(30) {
            if let Some(Ok(m)) = consumer.poll(Duration::from_millis(200)) {
                let reason = m
                    .headers()
                    .and_then(|h| {
                        h.iter()
                            .find(|h| h.key == "dlq_reason")
                            .and_then(|h| h.value.map(|v| String::from_utf8_lossy(v).into_owned()))
                    })
                    .unwrap_or_default();
                if let Some(id) = m.payload().and_then(input_id) {
                    out.insert(id, reason);
                }
            }
        }
        out
    }

    pub fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port")
    }

    /// GET http://127.0.0.1:port/path: (status, body).
    pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
        let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).ok()?;
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text.split_whitespace().nth(1)?.parse().ok()?;
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        Some((status, body))
    }

    /// One worker process (`news-enricher run`) with its admin port and captured output.
    pub struct Worker {
        pub child: std::process::Child,
        pub port: u16,
        pub log: PathBuf,
        pub name: String,
        _dir: tempfile::TempDir,
    }

    pub struct WorkerSpec<'a> {
        pub bootstrap: &'a str,
        pub group: &'a str,
        pub input: &'a str,
        pub output: &'a str,
        pub dead_letter: &'a str,
        pub env: Vec<(String, String)>,
    }

    impl Worker {
        pub fn start(name: &str, spec: &WorkerSpec) -> Worker {
            let dir = tempfile::tempdir().unwrap();
            let log = dir.path().join(format!("{name}.log"));
            let out = std::fs::File::create(&log).unwrap();
            let err = out.try_clone().unwrap();
            let port = free_port();
            let mut cmd = Command::new(BIN);
            cmd.arg("run")
                .env_remove("RUST_LOG")
                .env("NEWS_ENRICHER__KAFKA__BROKERS", spec.bootstrap)
                .env("NEWS_ENRICHER__KAFKA__GROUP_ID", spec.group)
                .env("NEWS_ENRICHER__KAFKA__CLIENT_ID", name)
                .env("NEWS_ENRICHER__KAFKA__SESSION_TIMEOUT_MS", "6000")
                .env("NEWS_ENRICHER__KAFKA__HEARTBEAT_INTERVAL_MS", "1000")
                .env("NEWS_ENRICHER__TOPICS__INPUT", spec.input)
                .env("NEWS_ENRICHER__TOPICS__OUTPUT", spec.output)
                .env("NEWS_ENRICHER__TOPICS__DEAD_LETTER", spec.dead_letter)
                .env("NEWS_ENRICHER__ADMIN__LISTEN", format!("127.0.0.1:{port}"))
                .env("NEWS_ENRICHER__PIPELINE__COMPUTE_THREADS", "1")
                .env("NEWS_ENRICHER__LOG__FORMAT", "json")
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err);
            for (k, v) in &spec.env {
                cmd.env(k, v);
            }
            let child = cmd
                .spawn()
                .unwrap_or_else(|e| panic!("spawn news-enricher run ({name}): {e}"));
            Worker {
                child,
                port,
                log,
                name: name.to_string(),
                _dir: dir,
            }
        }

        pub fn alive(&mut self) -> bool {
            matches!(self.child.try_wait(), Ok(None))
        }

        pub fn ready(&self) -> bool {
            matches!(http_get(self.port, "/readyz"), Some((200, _)))
        }

        pub fn wait_ready(&mut self, timeout: Duration) -> bool {
            let start = Instant::now();
            while start.elapsed() < timeout {
                if self.ready() {
                    return true;
                }
                if !self.alive() {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            false
        }

        /// Everything the worker printed, headed by its name.
        pub fn output(&self) -> String {
            format!(
                "--- {} ---\n{}",
                self.name,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            )
        }

        /// SIGTERM, then wait for a clean exit; returns the exit code.
        pub fn terminate(&mut self, timeout: Duration) -> Option<i32> {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let start = Instant::now();
            while start.elapsed() < timeout {
                if let Ok(Some(st)) = self.child.try_wait() {
                    return st.code();
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = self.child.kill();
            None
        }
    }

    impl Drop for Worker {
        fn drop(&mut self) {
            if self.alive() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }

    /// Sample names (`name` or `name{...}`) in a Prometheus text exposition.
    pub fn scraped_names(body: &str) -> BTreeSet<String> {
        body.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split(['{', ' ']).next())
            .map(str::to_string)
            .collect()
    }
}

#[test]
fn live_metrics_named_in_rules_and_dashboard_exist_in_a_scrape() {
    use live::*;
    let test = "live_metrics_named_in_rules_and_dashboard_exist_in_a_scrape";
    let Some(bootstrap) = bootstrap(test) else {
        return;
    };
    let topics = TestTopics::create(&bootstrap, "metrics", 2, 2);
    let (input, output, dlq) = (
        topics.input.clone(),
        topics.output.clone(),
        topics.dlq.clone(),
    );
    let spec = topics.spec(&bootstrap, vec![]);
    let mut w = Worker::start("metrics", &spec);
    assert!(
        w.wait_ready(Duration::from_secs(60)),
        "worker not ready:\n{}",
        w.output()
    );
    let p = producer(&bootstrap);
    for i in 0..20 {
        let id = format!("m-{i}");
        produce(&p, &input, &id, &good_input(&id));
    }
    produce(&p, &input, "m-bad", &bad_input("m-bad"));
    flush(&p);
    let outs = collect_outputs(
        &bootstrap,
        &[&output, &dlq],
        21,
        Duration::from_secs(60),
        Duration::from_secs(1),
    );
    assert_eq!(outs.len(), 21, "outputs: {outs:?}\n{}", w.output());
    let reasons = dead_letter_reasons(&bootstrap, &dlq, 1);
    assert!(
        reasons.get("m-bad").is_some_and(|r| !r.is_empty()),
        "dead letter without dlq_reason: {reasons:?}"
    );

    // Lag and commit gauges refresh on their own period: scrape until every name shows up.
    let used = names_used();
    let start = Instant::now();
    let mut missing: Vec<String>;
    let mut body = String::new();
    loop {
        if let Some((200, b)) = http_get(w.port, "/metrics") {
            body = b;
        }
        let names = scraped_names(&body);
        missing = used
            .iter()
            .filter(|n| !names.contains(*n))
            .cloned()
            .collect();
        if missing.is_empty() || start.elapsed() > Duration::from_secs(30) {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(
        missing.is_empty(),
        "named in deploy/prometheus or deploy/grafana but not in a live scrape: {missing:?}\n{body}"
    );
    assert_eq!(
        w.terminate(Duration::from_secs(30)),
        Some(0),
        "{}",
        w.output()
    );
}

// ------------------------------------------------------------------------------------------
// Secure connections: TLS + SASL against a broker with a SASL_SSL listener

mod secure {
    use super::*;
    use std::sync::OnceLock;

    /// KEY=VALUE lines printed by deploy/local/secure/kafka-secure start.
    pub struct SecureBroker(pub BTreeMap<String, String>);

    impl SecureBroker {
        pub fn get(&self, k: &str) -> &str {
            self.0
                .get(k)
                .map(String::as_str)
                .unwrap_or_else(|| panic!("{k} missing"))
        }
    }

    fn state_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("kafka-secure")
    }

    /// Stops the broker when the test that started it ends, passed or failed.
    pub struct StopOnDrop;

    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            let _ = Command::new(repo().join("deploy/local/secure/kafka-secure"))
                .arg("stop")
                .env("NEWS_ENRICHER_KAFKA_SECURE_HOME", state_dir())
                .output();
        }
    }

    /// Starts the SASL_SSL broker (state under the target dir: keys, users and data are reused
    /// across runs; `kafka-secure start` is idempotent).
    pub fn broker(test: &str) -> Option<&'static SecureBroker> {
        static BROKER: OnceLock<Result<SecureBroker, String>> = OnceLock::new();
        let r = BROKER.get_or_init(|| {
            if tool("java", "JAVA").is_none() || tool("openssl", "OPENSSL").is_none() {
                return Err("java or openssl not found".into());
            }
            let out = Command::new(repo().join("deploy/local/secure/kafka-secure"))
                .arg("start")
                .env("NEWS_ENRICHER_KAFKA_SECURE_HOME", state_dir())
                .output()
                .map_err(|e| e.to_string())?;
            if !out.status.success() {
                return Err(format!(
                    "kafka-secure start failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            let kv = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Ok(SecureBroker(kv))
        });
        match r {
            Ok(b) => Some(b),
            Err(e) => {
                skip(test, e);
                None
            }
        }
    }

    pub struct Topics {
        pub input: String,
        pub output: String,
        pub dlq: String,
        pub group: String,
    }

    pub fn topics(b: &SecureBroker, tag: &str) -> Topics {
        let t = Topics {
            input: live::unique(&format!("{tag}-in")),
            output: live::unique(&format!("{tag}-out")),
            dlq: live::unique(&format!("{tag}-dlq")),
            group: live::unique(&format!("{tag}-g")),
        };
        live::create_topics(
            b.get("PLAINTEXT_BOOTSTRAP"),
            &[],
            &[(&t.input, 1), (&t.output, 1), (&t.dlq, 1)],
        );
        t
    }

    pub fn worker(
        b: &SecureBroker,
        t: &Topics,
        name: &str,
        mechanism: &str,
        user: &str,
        password: &str,
        ca: &str,
    ) -> live::Worker {
        let spec = live::WorkerSpec {
            bootstrap: b.get("SASL_SSL_BOOTSTRAP"),
            group: &t.group,
            input: &t.input,
            output: &t.output,
            dead_letter: &t.dlq,
            env: vec![
                (
                    "NEWS_ENRICHER__KAFKA__SECURITY_PROTOCOL".into(),
                    "sasl_ssl".into(),
                ),
                (
                    "NEWS_ENRICHER__KAFKA__SASL_MECHANISM".into(),
                    mechanism.into(),
                ),
                ("NEWS_ENRICHER__KAFKA__SASL_USERNAME".into(), user.into()),
                (
                    "NEWS_ENRICHER__KAFKA__SASL_PASSWORD".into(),
                    password.into(),
                ),
                ("NEWS_ENRICHER__KAFKA__SSL_CA_LOCATION".into(), ca.into()),
            ],
        };
        live::Worker::start(name, &spec)
    }

    /// A worker with good credentials processes inputs end to end over SASL_SSL.
    pub fn round_trip(test: &str, mechanism: &str, user_key: &str, password_key: &str) {
        let Some(b) = broker(test) else { return };
        let t = topics(b, &mechanism.to_lowercase());
        let password = b.get(password_key);
        let mut w = worker(
            b,
            &t,
            test,
            mechanism,
            b.get(user_key),
            password,
            b.get("CA_PEM"),
        );
        assert!(
            w.wait_ready(Duration::from_secs(60)),
            "{mechanism} worker not ready:\n{}",
            w.output()
        );
        let p = live::producer(b.get("PLAINTEXT_BOOTSTRAP"));
        for i in 0..5 {
            let id = format!("s-{i}");
            live::produce(&p, &t.input, &id, &live::good_input(&id));
        }
        live::flush(&p);
        let outs = live::collect_outputs(
            b.get("PLAINTEXT_BOOTSTRAP"),
            &[&t.output, &t.dlq],
            5,
            Duration::from_secs(60),
            Duration::from_millis(500),
        );
        assert_eq!(outs.len(), 5, "{outs:?}\n{}", w.output());
        let metrics = live::http_get(w.port, "/metrics")
            .map(|(_, b)| b)
            .unwrap_or_default();
        assert_eq!(
            w.terminate(Duration::from_secs(30)),
            Some(0),
            "{}",
            w.output()
        );
        assert!(
            !w.output().contains(password),
            "password in the worker's output"
        );
        assert!(!metrics.contains(password), "password in /metrics");
    }

    /// A worker that cannot connect: alive, not ready, one clear error, no secret anywhere.
    /// Returns what is wrong (empty when all holds), so every scenario runs and reports.
    pub fn refused(
        test: &str,
        password: &str,
        ca_key: &str,
        expect_in_error: &[&str],
    ) -> Vec<String> {
        let mut problems = Vec::new();
        let Some(b) = broker(test) else {
            return problems;
        };
        let t = topics(b, "refused");
        let mut w = worker(
            b,
            &t,
            test,
            "SCRAM-SHA-512",
            b.get("SCRAM_USER"),
            password,
            b.get(ca_key),
        );
        // Long enough for several reconnect attempts with back-off.
        let watch = Duration::from_secs(25);
        let start = Instant::now();
        let (mut livez_ok, mut ever_ready) = (false, false);
        while start.elapsed() < watch && w.alive() {
            ever_ready |= w.ready();
            livez_ok |= matches!(live::http_get(w.port, "/livez"), Some((200, _)));
            std::thread::sleep(Duration::from_millis(500));
        }
        if !w.alive() {
            problems.push(format!("{test}: the worker exited instead of retrying"));
        }
        if ever_ready {
            problems.push(format!(
                "{test}: /readyz said ready although it cannot connect"
            ));
        }
        if !livez_ok {
            problems.push(format!("{test}: /livez never answered 200"));
        }
        let metrics = live::http_get(w.port, "/metrics")
            .map(|(_, b)| b)
            .unwrap_or_default();
        let log = w.output();
        let errors: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("\"ERROR\"") || l.contains("\"level\":\"error\""))
            .collect();
        let lower = log.to_lowercase();
        eprintln!(
            "{test}: {} log lines, {} at ERROR in {watch:?}; first ERROR: {}",
            log.lines().count(),
            errors.len(),
            errors.first().copied().unwrap_or("-")
        );
        if !expect_in_error.iter().any(|e| lower.contains(e)) {
            problems.push(format!(
                "{test}: no log line names the cause ({expect_in_error:?})"
            ));
        }
        // One clear error, not one per retry or per client: at most a few over the whole watch.
        if errors.is_empty() || errors.len() > 3 {
            problems.push(format!(
                "{test}: {} ERROR lines in {watch:?}, expected one clear error",
                errors.len()
            ));
        }
        // Retries back off: no flood of warnings either.
        let lines = log.lines().count();
        if lines > 100 {
            problems.push(format!(
                "{test}: {lines} log lines in {watch:?}: retries flood the log"
            ));
        }
        if log.contains(password) {
            problems.push(format!(
                "{test}: the password appears in the worker's output"
            ));
        }
        if metrics.contains(password) {
            problems.push(format!("{test}: the password appears in /metrics"));
        }
        if w.alive() {
            let code = w.terminate(Duration::from_secs(30));
            if code != Some(0) {
                problems.push(format!(
                    "{test}: SIGTERM while not ready gave exit {code:?}"
                ));
            }
        }
        if w.output().contains(password) {
            problems.push(format!(
                "{test}: the password appears in the shutdown output"
            ));
        }
        if !problems.is_empty() {
            eprintln!("{}", w.output());
        }
        problems
    }
}

/// One test, four scenarios on one broker, so the broker is stopped when they end.
#[test]
fn secure_tls_sasl_scram_plain_wrong_password_untrusted_ca() {
    let test = "secure_tls_sasl_scram_plain_wrong_password_untrusted_ca";
    let t0 = Instant::now();
    let Some(b) = secure::broker(test) else {
        return;
    };
    let _stop = secure::StopOnDrop;
    eprintln!("{test}: SASL_SSL broker up after {:?}", t0.elapsed());
    secure::round_trip(
        "secure-scram",
        "SCRAM-SHA-512",
        "SCRAM_USER",
        "SCRAM_PASSWORD",
    );
    eprintln!(
        "{test}: SCRAM-SHA-512 round trip done at {:?}",
        t0.elapsed()
    );
    secure::round_trip("secure-plain", "PLAIN", "PLAIN_USER", "PLAIN_PASSWORD");
    eprintln!("{test}: PLAIN round trip done at {:?}", t0.elapsed());
    let mut problems = secure::refused(
        "secure-wrong-password",
        "Wr0ng-pa55word-d0-not-print",
        "CA_PEM",
        &["authentication", "sasl"],
    );
    let good_password = b.get("SCRAM_PASSWORD").to_string();
    problems.extend(secure::refused(
        "secure-untrusted-ca",
        &good_password,
        "UNTRUSTED_CA_PEM",
        &["certificate", "ssl", "tls"],
    ));
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn secure_password_never_in_help_config_or_startup_errors() {
    let secret = "S3cret-never-print-7f3a";
    let with_secret = |args: &[&str]| -> String {
        let out = run(Command::new(live::BIN)
            .args(args)
            .env("NEWS_ENRICHER__KAFKA__SASL_PASSWORD", secret)
            .env("NEWS_ENRICHER__KAFKA__SASL_USERNAME", "u")
            .env("NEWS_ENRICHER__KAFKA__SECURITY_PROTOCOL", "sasl_ssl")
            .env("NEWS_ENRICHER__KAFKA__SASL_MECHANISM", "SCRAM-SHA-512"));
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["demo", "--help"],
        &["config"],
        &["--version"],
    ] {
        let out = with_secret(args);
        assert!(
            !out.contains(secret),
            "`{}` prints the password:\n{out}",
            args.join(" ")
        );
    }
    // A configuration error beside the password names the key, not the secret.
    let out = run(Command::new(live::BIN)
        .args(["run"])
        .env("NEWS_ENRICHER__KAFKA__SASL_PASSWORD", secret)
        .env("NEWS_ENRICHER__KAFKA__SECURITY_PROTOCOL", "sasl_ssl")
        .env("NEWS_ENRICHER__KAFKA__SASL_MECHANISM", "NOPE"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success());
    assert!(text.contains("sasl_mechanism"), "{text}");
    assert!(!text.contains(secret), "{text}");
    // A password that is not even a valid value type (a table) is refused without echoing it.
    let out = run(Command::new(live::BIN)
        .args(["config"])
        .env("NEWS_ENRICHER__KAFKA__SASL_PASSWORD", format!("[{secret}]")));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains(secret),
        "config error echoes the password: {text}"
    );
}

// ------------------------------------------------------------------------------------------
// Hot paths of operation: scaling and rolling restarts against the local Kafka

mod ops {
    use super::live::*;
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Produces `n` inputs (ids `{tag}-{i}`) at about `per_second`, in a background thread.
    pub struct Feeder {
        pub sent: Arc<AtomicUsize>,
        stop: Arc<AtomicBool>,
        handle: Option<std::thread::JoinHandle<()>>,
    }

    impl Feeder {
        pub fn start(
            bootstrap: &str,
            topic: &str,
            tag: &str,
            n: usize,
            per_second: usize,
        ) -> Feeder {
            let sent = Arc::new(AtomicUsize::new(0));
            let stop = Arc::new(AtomicBool::new(false));
            let (b, t, tag) = (bootstrap.to_string(), topic.to_string(), tag.to_string());
            let (s2, st2) = (sent.clone(), stop.clone());
            let handle = std::thread::spawn(move || {
                let p = producer(&b);
                let start = Instant::now();
                for i in 0..n {
                    if st2.load(Ordering::SeqCst) {
                        break;
                    }
                    let id = format!("{tag}-{i}");
                    produce(&p, &t, &id, &good_input(&id));
                    s2.store(i + 1, Ordering::SeqCst);
                    let due = start + Duration::from_secs_f64((i + 1) as f64 / per_second as f64);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                }
                flush(&p);
            });
            Feeder {
                sent,
                stop,
                handle: Some(handle),
            }
        }

        pub fn sent(&self) -> usize {
            self.sent.load(Ordering::SeqCst)
        }

        pub fn finish(mut self) -> usize {
            if let Some(h) = self.handle.take() {
                h.join().expect("feeder thread");
            }
            self.sent()
        }
    }

    impl Drop for Feeder {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            if let Some(h) = self.handle.take() {
                let _ = h.join();
            }
        }
    }

    pub fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
        let start = Instant::now();
        while !f() {
            assert!(start.elapsed() < timeout, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Every id `{tag}-{0..n}` has an output; returns (missing, duplicated) ids.
    pub fn audit(
        counts: &BTreeMap<String, usize>,
        tag: &str,
        n: usize,
    ) -> (Vec<String>, Vec<String>) {
        let mut missing = Vec::new();
        let mut dup = Vec::new();
        for i in 0..n {
            let id = format!("{tag}-{i}");
            match counts.get(&id) {
                None => missing.push(id),
                Some(c) if *c > 1 => dup.push(id),
                _ => {}
            }
        }
        (missing, dup)
    }
}

#[test]
fn live_scale_1_to_3_to_1_workers_loses_nothing() {
    use live::*;
    let test = "live_scale_1_to_3_to_1_workers_loses_nothing";
    let Some(bootstrap) = bootstrap(test) else {
        return;
    };
    let topics = TestTopics::create(&bootstrap, "scale", 6, 3);
    let (input, output, dlq) = (
        topics.input.clone(),
        topics.output.clone(),
        topics.dlq.clone(),
    );
    let spec = topics.spec(&bootstrap, vec![]);
    let n = 3000;
    let mut w1 = Worker::start("scale-w1", &spec);
    assert!(w1.wait_ready(Duration::from_secs(60)), "{}", w1.output());
    let feeder = ops::Feeder::start(&bootstrap, &input, "sc", n, 100);

    // 1 -> 3 while input flows.
    ops::wait_until("a third of the inputs", Duration::from_secs(60), || {
        feeder.sent() >= n / 3
    });
    let mut w2 = Worker::start("scale-w2", &spec);
    let mut w3 = Worker::start("scale-w3", &spec);
    assert!(w2.wait_ready(Duration::from_secs(60)), "{}", w2.output());
    assert!(w3.wait_ready(Duration::from_secs(60)), "{}", w3.output());

    // 3 -> 1 while input flows: SIGTERM, as Kubernetes scales down.
    ops::wait_until("two thirds of the inputs", Duration::from_secs(60), || {
        feeder.sent() >= 2 * n / 3
    });
    // The new members really took partitions and work.
    let consumed = |w: &Worker| -> u64 {
        http_get(w.port, "/metrics")
            .map(|(_, body)| body)
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("news_enricher_messages_consumed_total "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0) as u64
    };
    let (c2, c3) = (consumed(&w2), consumed(&w3));
    eprintln!("scale 1->3->1: the added workers consumed {c2} and {c3} inputs");
    assert!(c2 > 0 && c3 > 0, "added workers got no work: {c2}, {c3}");
    assert_eq!(
        w3.terminate(Duration::from_secs(30)),
        Some(0),
        "{}",
        w3.output()
    );
    assert_eq!(
        w2.terminate(Duration::from_secs(30)),
        Some(0),
        "{}",
        w2.output()
    );
    let sent = feeder.finish();
    assert_eq!(sent, n);

    let counts = collect_outputs(
        &bootstrap,
        &[&output, &dlq],
        n,
        Duration::from_secs(120),
        Duration::from_secs(3),
    );
    let (missing, dup) = ops::audit(&counts, "sc", n);
    eprintln!(
        "scale 1->3->1: {n} inputs, {} with output, {} missing, {} duplicated",
        counts.len(),
        missing.len(),
        dup.len()
    );
    assert!(
        missing.is_empty(),
        "lost {} inputs, e.g. {:?}\n{}\n{}\n{}",
        missing.len(),
        &missing[..missing.len().min(10)],
        w1.output(),
        w2.output(),
        w3.output()
    );
    assert_eq!(
        w1.terminate(Duration::from_secs(30)),
        Some(0),
        "{}",
        w1.output()
    );
}

#[test]
fn live_rolling_restart_exactly_once_no_loss_no_duplicates() {
    use live::*;
    let test = "live_rolling_restart_exactly_once_no_loss_no_duplicates";
    let Some(bootstrap) = bootstrap(test) else {
        return;
    };
    let topics = TestTopics::create(&bootstrap, "roll", 6, 3);
    let (input, output, dlq) = (
        topics.input.clone(),
        topics.output.clone(),
        topics.dlq.clone(),
    );
    // A Deployment's replacement pod has a new name, so a new transactional.id.
    let spec_for = |tx: &str| {
        topics.spec(
            &bootstrap,
            vec![
                (
                    "NEWS_ENRICHER__DELIVERY__MODE".into(),
                    "exactly-once".into(),
                ),
                (
                    "NEWS_ENRICHER__DELIVERY__TRANSACTIONAL_ID".into(),
                    tx.into(),
                ),
            ],
        )
    };
    let tag = unique("rr");
    let mut workers: Vec<Worker> = (0..3)
        .map(|i| Worker::start(&format!("roll-{i}-a"), &spec_for(&format!("{tag}-w{i}-a"))))
        .collect();
    for w in workers.iter_mut() {
        assert!(w.wait_ready(Duration::from_secs(60)), "{}", w.output());
    }
    let n = 3000;
    let feeder = ops::Feeder::start(&bootstrap, &input, "ro", n, 100);
    let mut old_logs = Vec::new();
    for (i, slot) in workers.iter_mut().enumerate() {
        ops::wait_until("the next step of the roll", Duration::from_secs(60), || {
            feeder.sent() >= (i + 1) * n / 4
        });
        // Surge first (maxSurge 1, maxUnavailable 0), then SIGTERM the old pod.
        let mut fresh = Worker::start(&format!("roll-{i}-b"), &spec_for(&format!("{tag}-w{i}-b")));
        assert!(
            fresh.wait_ready(Duration::from_secs(60)),
            "{}",
            fresh.output()
        );
        let mut old = std::mem::replace(slot, fresh);
        assert_eq!(
            old.terminate(Duration::from_secs(30)),
            Some(0),
            "SIGTERM must drain and exit 0:\n{}",
            old.output()
        );
        old_logs.push(old.output());
    }
    assert_eq!(feeder.finish(), n);

    let counts = collect_outputs(
        &bootstrap,
        &[&output, &dlq],
        n,
        Duration::from_secs(120),
        Duration::from_secs(3),
    );
    let (missing, dup) = ops::audit(&counts, "ro", n);
    eprintln!(
        "rolling restart (exactly-once): {n} inputs, {} with output, {} missing, {} duplicated",
        counts.len(),
        missing.len(),
        dup.len()
    );
    let logs = || {
        old_logs.join("\n")
            + &workers
                .iter()
                .map(Worker::output)
                .collect::<Vec<_>>()
                .join("\n")
    };
    assert!(
        missing.is_empty(),
        "lost {} inputs, e.g. {:?}\n{}",
        missing.len(),
        &missing[..missing.len().min(10)],
        logs()
    );
    assert!(
        dup.is_empty(),
        "{} inputs with more than one committed output, e.g. {:?}\n{}",
        dup.len(),
        &dup[..dup.len().min(10)],
        logs()
    );
    for w in workers.iter_mut() {
        assert_eq!(
            w.terminate(Duration::from_secs(30)),
            Some(0),
            "{}",
            w.output()
        );
    }
}

#[test]
fn dockerfile_healthcheck_command_passes_against_a_live_worker() {
    use live::*;
    // The exact HEALTHCHECK CMD of the image, run here against a worker process.
    let df = read("deploy/Dockerfile");
    let hc = df.find("\nHEALTHCHECK").expect("HEALTHCHECK");
    let cmd = df[hc..].find("CMD [").expect("CMD [") + hc + 4;
    let end = df[cmd..].find('\n').map_or(df.len(), |e| e + cmd);
    let argv: Vec<String> = serde_json::from_str(&df[cmd..end]).expect("exec-form JSON array");
    // No broker at all: the worker is alive (and not ready), which is what the health check asks.
    let spec = WorkerSpec {
        bootstrap: "127.0.0.1:1",
        group: "healthcheck",
        input: "hc-in",
        output: "hc-out",
        dead_letter: "hc-dlq",
        env: vec![],
    };
    let mut w = Worker::start("healthcheck", &spec);
    let start = Instant::now();
    while !matches!(http_get(w.port, "/livez"), Some((200, _))) {
        assert!(w.alive(), "worker exited:\n{}", w.output());
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "/livez never 200:\n{}",
            w.output()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let check = |port: u16| {
        Command::new(&argv[0])
            .args(&argv[1..])
            .env("NEWS_ENRICHER__ADMIN__LISTEN", format!("0.0.0.0:{port}"))
            .status()
            .expect("run the health check")
            .success()
    };
    assert!(
        check(w.port),
        "HEALTHCHECK fails against a live worker: {argv:?}"
    );
    assert!(!w.ready(), "ready without a broker");
    let port = w.port;
    assert_eq!(
        w.terminate(Duration::from_secs(30)),
        Some(0),
        "{}",
        w.output()
    );
    assert!(!check(port), "HEALTHCHECK passes with no worker running");
}

/// docs/operations.md, "Re-enqueue the dead letters after a fix": a worker consuming the
/// dead-letter topic (own group, another dead-letter topic) turns dead letters into events once
/// the cause is fixed. The "bug" here: a limit too small for real pages.
#[test]
fn live_replay_of_dead_letters_after_a_fix_yields_the_events() {
    use live::*;
    let test = "live_replay_of_dead_letters_after_a_fix_yields_the_events";
    let Some(bootstrap) = bootstrap(test) else {
        return;
    };
    let (input, output, dlq, retry) = (
        unique("replay-in"),
        unique("replay-out"),
        unique("replay-dlq"),
        unique("replay-retry"),
    );
    create_topics(
        &bootstrap,
        &[],
        &[(&input, 1), (&output, 1), (&dlq, 1), (&retry, 1)],
    );
    let n = 10;
    let p = producer(&bootstrap);
    // Pages of about 3 KB: over the faulty 1 KiB limit, far under the default 10 MiB.
    let page = |id: &str| -> Vec<u8> {
        let mut v: serde_json::Value = serde_json::from_slice(&good_input(id)).unwrap();
        let more = "<p>The council will publish the budget of the bridge in spring.</p>".repeat(30);
        let html = v["html"]
            .as_str()
            .unwrap()
            .replace("</article>", &format!("{more}</article>"));
        v["html"] = serde_json::Value::String(html);
        serde_json::to_vec(&v).unwrap()
    };
    for i in 0..n {
        let id = format!("rp-{i}");
        let value = page(&id);
        assert!(value.len() > 2048);
        produce(&p, &input, &id, &value);
    }
    flush(&p);

    // The faulty release: every input is over its limit and dead-lettered as too_large.
    let group = unique("replay-g");
    let mut faulty = Worker::start(
        "replay-faulty",
        &WorkerSpec {
            bootstrap: &bootstrap,
            group: &group,
            input: &input,
            output: &output,
            dead_letter: &dlq,
            env: vec![(
                "NEWS_ENRICHER__LIMITS__MAX_MESSAGE_BYTES".into(),
                "1024".into(),
            )],
        },
    );
    let reasons = dead_letter_reasons(&bootstrap, &dlq, n);
    assert_eq!(reasons.len(), n, "{reasons:?}\n{}", faulty.output());
    assert!(reasons.values().all(|r| r == "too_large"), "{reasons:?}");
    assert_eq!(
        faulty.terminate(Duration::from_secs(30)),
        Some(0),
        "{}",
        faulty.output()
    );

    // The fix (default limit), replaying the dead-letter topic as documented.
    let mut replay = Worker::start(
        "replay-fixed",
        &WorkerSpec {
            bootstrap: &bootstrap,
            group: &unique("replay-dlq-g"),
            input: &dlq,
            output: &output,
            dead_letter: &retry,
            env: vec![],
        },
    );
    let events = collect_outputs(
        &bootstrap,
        &[&output],
        n,
        Duration::from_secs(60),
        Duration::from_secs(1),
    );
    let missing: Vec<String> = (0..n)
        .map(|i| format!("rp-{i}"))
        .filter(|id| !events.contains_key(id))
        .collect();
    assert!(
        missing.is_empty(),
        "no event after the replay for {missing:?}\n{}",
        replay.output()
    );
    let still_failing = collect_outputs(
        &bootstrap,
        &[&retry],
        0,
        Duration::from_secs(3),
        Duration::from_secs(2),
    );
    assert!(still_failing.is_empty(), "{still_failing:?}");
    assert_eq!(replay.terminate(Duration::from_secs(30)), Some(0));
}
