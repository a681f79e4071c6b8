//! One stream, several message kinds: a union of derived structs.
//!
//! `Message` is a FlatBuffers union: each frame holds a `Trade`, a `Quote`
//! or a `Halt`, and reading dispatches with a `match` on the zero-copy view.
//! `Price` is a fixed struct, stored inline in the table. The example also
//! prints the `.fbs` schema that `flatc` compiles for other languages.
//!
//! Run it with `cargo run --example multi_type_stream`.

use flatstream::checksum::Crc32;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{StreamReader, StreamSerialize, StreamWriter};

/// A price in ticks: a FlatBuffers `struct`, 16 bytes inline.
#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq)]
#[flatstream(fixed)]
pub struct Price {
    pub ticks: i64,
    pub scale: u8,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Trade {
    pub symbol: String,
    pub price: Price,
    pub size: u32,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Quote {
    pub symbol: String,
    pub bid: Price,
    pub ask: Price,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Halt {
    pub symbol: String,
    pub reason: Option<String>,
}

/// Every message of the stream is one of these.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
#[flatstream(namespace = "market.v1", file_identifier = "MKT1")]
pub enum Message {
    Trade(Trade),
    Quote(Quote),
    Halt(Halt),
}

fn price(ticks: i64) -> Price {
    Price { ticks, scale: 2 }
}

fn main() -> flatstream::Result<()> {
    let messages = [
        Message::Quote(Quote {
            symbol: "ACME".into(),
            bid: price(10_050),
            ask: price(10_075),
        }),
        Message::Trade(Trade {
            symbol: "ACME".into(),
            price: price(10_060),
            size: 300,
        }),
        Message::Halt(Halt {
            symbol: "ACME".into(),
            reason: Some("volatility".into()),
        }),
    ];

    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
    writer.write_batch(&messages)?;
    let bytes = writer.into_inner();

    let mut reader =
        StreamReader::<Message, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32::new()));
    while let Some(view) = reader.read()? {
        match view {
            MessageView::Trade(trade) => {
                println!(
                    "trade {} {} @ {}",
                    trade.symbol(),
                    trade.size(),
                    trade.price().ticks
                )
            }
            MessageView::Quote(quote) => {
                println!(
                    "quote {} {} / {}",
                    quote.symbol(),
                    quote.bid().ticks,
                    quote.ask().ticks
                )
            }
            MessageView::Halt(halt) => {
                println!(
                    "halt  {} ({})",
                    halt.symbol(),
                    halt.reason().unwrap_or("no reason")
                )
            }
        }
    }

    println!("\n{}", flatstream::schema::<Message>());
    Ok(())
}

/// `cargo test --example multi_type_stream`: the schema printed above is
/// still the one committed as `tests/interop/market_message.fbs` (after a
/// compatible change, commit the new one).
#[test]
fn schema_is_the_committed_one() {
    let committed = include_str!("../tests/interop/market_message.fbs");
    flatstream::schema::assert_compatible(committed, &flatstream::schema::<Message>());
    assert_eq!(flatstream::schema::<Message>(), committed);
}
