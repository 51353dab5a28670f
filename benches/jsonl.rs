//! Parsing one JSONL row line: simd-json (what the storage engine uses) against serde_json,
//! on a typical ~200-byte line of the perf workload's shape. Justifies the choice of parser.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const LINE: &str = r#"{"id":"01943c5e-7a1b-7c3d-8e4f-5a6b7c8d9e0f","email":"zoë.núñez.48213@example.com","name":"Zoë Núñez","role":"admin","age":42,"created_at":"2025-01-01T13:45:00.123Z","n":48213}"#;

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("jsonl line parse");
    g.throughput(Throughput::Bytes(LINE.len() as u64));
    let mut buffers = simd_json::Buffers::default();
    g.bench_function("simd-json (borrowed, reused buffers)", |b| {
        b.iter_batched_ref(
            || LINE.as_bytes().to_vec(),
            |bytes| {
                let v = simd_json::value::borrowed::to_value_with_buffers(bytes, &mut buffers).unwrap();
                std::hint::black_box(v);
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("serde_json::Value", |b| b.iter(|| std::hint::black_box(serde_json::from_str::<serde_json::Value>(LINE).unwrap())));
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
