//! `order_book`: one order-book snapshot per message, a vector of 50 to 64
//! price levels (each a table of three scalars), about 1.8 KiB, the
//! vector-of-small-tables case.

use flatstream::StreamSerialize;

use super::planus_gen::order_book as gen;
use super::planus_peer::{PlanusDataset, PlanusResult};
use super::{Digest, Seeded};

#[derive(StreamSerialize, serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Level {
    /// In ticks.
    pub price: i64,
    /// Positive for a bid, negative for an ask.
    pub quantity: i64,
    pub orders: u32,
}

#[derive(StreamSerialize, serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
#[flatstream(shallow)]
pub struct Book {
    #[flatstream(required)]
    pub symbol: String,
    pub sequence: u64,
    pub timestamp_ns: u64,
    #[flatstream(required)]
    pub levels: Vec<Level>,
}

const SYMBOLS: [&str; 6] = ["BTC-USD", "ETH-USD", "AAPL", "MSFT", "EURUSD", "ES-DEC26"];

fn generate(rng: &mut Seeded) -> Book {
    let mid = rng.range(10_000, 10_000_000);
    let depth = rng.range(25, 33);
    let levels = (-depth..depth)
        .map(|step| Level {
            price: mid + step * rng.range(1, 5),
            quantity: rng.range(1, 1_000_000) * if step < 0 { 1 } else { -1 },
            orders: rng.range(1, 200) as u32,
        })
        .collect();
    Book {
        symbol: rng.pick(&SYMBOLS).to_string(),
        sequence: rng.next_u64() >> 16,
        timestamp_ns: rng.next_u64() >> 8,
        levels,
    }
}

/// The `order_book` dataset.
pub struct Books;

/// The root table's own fields, read alike through the full view and the
/// shallow one (whose accessors for them return the same types).
macro_rules! touch_top {
    ($book:ident, $d:ident) => {{
        let (book, d) = ($book, $d);
        d.add(book.symbol());
        d.add(book.sequence());
        d.add(book.timestamp_ns());
        d.add(book.levels().len());
    }};
}

impl PlanusDataset for Books {
    const NAME: &'static str = "order_book";
    const MESSAGES: usize = 200;
    const FBS: &'static str = include_str!("planus_gen/order_book.fbs");
    type Record = Book;
    type Owned = gen::Book;
    type Ref<'a> = gen::BookRef<'a>;

    fn generate(rng: &mut Seeded) -> Book {
        generate(rng)
    }

    fn touch_top(book: BookView<'_>, d: &mut Digest) {
        touch_top!(book, d);
    }

    fn touch_top_shallow(book: BookView<'_, flatstream::lazy::Shallow>, d: &mut Digest) {
        touch_top!(book, d);
    }

    fn touch_full(book: BookView<'_>, d: &mut Digest) {
        Self::touch_top(book, d);
        for level in book.levels() {
            d.add(level.price());
            d.add(level.quantity());
            d.add(level.orders());
        }
    }

    fn planus_top(book: gen::BookRef<'_>, d: &mut Digest) -> PlanusResult {
        d.add(book.symbol()?);
        d.add(book.sequence()?);
        d.add(book.timestamp_ns()?);
        d.add(book.levels()?.len());
        Ok(())
    }

    fn planus_full(book: gen::BookRef<'_>, d: &mut Digest) -> PlanusResult {
        Self::planus_top(book, d)?;
        for level in book.levels()? {
            let level = level?;
            d.add(level.price()?);
            d.add(level.quantity()?);
            d.add(level.orders()?);
        }
        Ok(())
    }
}
