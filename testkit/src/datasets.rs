//! Datasets for the compression benchmarks: the telemetry example's
//! events and structured log records, deterministic.

use flatstream::StreamSerialize;

use crate::telemetry::{Level, Reading};
use crate::Rng;

/// The telemetry agent example's event (`examples/telemetry_agent.rs`).
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct AgentEvent {
    pub timestamp: u64,
    pub level: Level,
    pub source: String,
    pub tags: Vec<String>,
    pub readings: Vec<Reading>,
    pub location: Option<Location>,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
}

/// The example agent's first `count` observations.
pub fn agent_events(count: u64) -> Vec<AgentEvent> {
    (0..count)
        .map(|n| AgentEvent {
            timestamp: 1_700_000_000_000 + n * 10,
            level: Level::ALL[(n % 17 % 4) as usize],
            source: format!("node-{}", n % 8),
            tags: vec!["edge".to_owned(), format!("rack-{}", n % 3)],
            readings: vec![
                Reading {
                    sensor: "cpu".to_owned(),
                    value: (n * 37 % 1000) as f64 / 10.0,
                },
                Reading {
                    sensor: "mem".to_owned(),
                    value: (512 + n % 4096) as f64,
                },
            ],
            location: (n % 5 == 0).then_some(Location {
                latitude: 52.52,
                longitude: 13.40,
            }),
        })
        .collect()
}

/// A structured log record, as a service's logger emits them.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct LogRecord {
    pub timestamp: u64,
    pub level: Level,
    pub service: String,
    pub host: String,
    pub trace_id: u64,
    pub message: String,
    pub fields: Vec<String>,
}

/// `count` log records drawn from a fixed seed: a few services and
/// message templates with varying ids, paths and durations.
pub fn log_records(count: usize) -> Vec<LogRecord> {
    const SERVICES: [&str; 4] = ["api-gateway", "billing", "auth", "search"];
    const PATHS: [&str; 5] = [
        "/v1/orders",
        "/v1/users",
        "/v1/login",
        "/v1/search",
        "/health",
    ];
    let mut rng = Rng(0x51_7cc1_b727_220a);
    let mut timestamp = 1_700_000_000_000u64;
    (0..count)
        .map(|_| {
            timestamp += rng.below(50) as u64;
            let path = PATHS[rng.below(PATHS.len())];
            let status = [200, 200, 200, 201, 404, 500][rng.below(6)];
            let millis = rng.below(900);
            let user = rng.below(100_000);
            let message = match rng.below(4) {
                0 => format!("GET {path} -> {status} in {millis} ms"),
                1 => format!("user {user} authenticated via password"),
                2 => format!("cache miss for key {path}:{user}, fetched in {millis} ms"),
                _ => format!("request to {path} retried after timeout ({millis} ms)"),
            };
            LogRecord {
                timestamp,
                level: Level::ALL[[1, 1, 1, 1, 0, 2, 3][rng.below(7)]],
                service: SERVICES[rng.below(SERVICES.len())].to_owned(),
                host: format!("ip-10-0-{}-{}", rng.below(4), rng.below(255)),
                trace_id: rng.next_u64(),
                message,
                fields: vec![
                    format!("status={status}"),
                    format!("user_id={user}"),
                    format!("region=eu-west-{}", 1 + rng.below(3)),
                ],
            }
        })
        .collect()
}
