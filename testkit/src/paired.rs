//! Interleaved measurement of two routines, for ratios that survive a
//! noisy machine.
//!
//! Two benchmarks measured one after the other see different machines when
//! the load on a shared host changes over seconds. [`paired`] registers one
//! criterion benchmark that runs `a` and `b` alternately, each call timed
//! on its own (in alternating order, so neither always runs warm), and
//! reports `a`'s time to criterion. Each sample also yields the ratio of
//! `a`'s time to `b`'s over the same instants; the median over samples is
//! printed as
//!
//! ```text
//! paired GROUP/ID: A / B = 0.36x (samples 0.34x..0.39x, quartiles)
//! ```
//!
//! which `benches/summarize.py` collects. Each call should do enough work
//! (a whole stream of messages) that reading the clock twice is noise.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::BenchmarkGroup;

/// Registers `id` in `group`: `a` and `b` interleaved, `a`'s time
/// reported, the median ratio of `a` to `b` printed once measured.
pub fn paired<A, B>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    group_name: &str,
    id: &str,
    (a_name, mut a): (&str, A),
    (b_name, mut b): (&str, B),
) where
    A: FnMut(),
    B: FnMut(),
{
    let ratios = RefCell::new(Vec::new());
    group.bench_function(id, |bencher| {
        bencher.iter_custom(|iters| {
            let (mut a_time, mut b_time) = (Duration::ZERO, Duration::ZERO);
            for i in 0..iters {
                if i % 2 == 0 {
                    a_time += time(&mut a);
                    b_time += time(&mut b);
                } else {
                    b_time += time(&mut b);
                    a_time += time(&mut a);
                }
            }
            if !b_time.is_zero() {
                ratios
                    .borrow_mut()
                    .push(a_time.as_secs_f64() / b_time.as_secs_f64());
            }
            a_time
        })
    });
    let mut ratios = ratios.into_inner();
    if ratios.is_empty() {
        // Filtered out on the command line.
        return;
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    println!(
        "paired {group_name}/{id}: {a_name} / {b_name} = {:.2}x (samples {:.2}x..{:.2}x, quartiles)",
        at(0.5),
        at(0.25),
        at(0.75),
    );
}

fn time(f: &mut impl FnMut()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// A criterion configuration: `warm_up` and `measurement` time per
/// benchmark, `samples` samples.
pub fn config(warm_up: Duration, measurement: Duration, samples: usize) -> criterion::Criterion {
    criterion::Criterion::default()
        .warm_up_time(warm_up)
        .measurement_time(measurement)
        .sample_size(samples)
}
