pub use root::*;

const _: () = ::planus::check_version_compatibility("planus-1.3.0");

/// The root namespace
///
/// Generated from these locations:
/// * File `order_book.fbs`
#[no_implicit_prelude]
#[allow(clippy::needless_lifetimes)]
mod root {
    /// The table `Level`
    ///
    /// Generated from these locations:
    /// * Table `Level` in the file `order_book.fbs:3`
    #[derive(
        Clone, Debug, PartialEq, PartialOrd, Eq, Ord, Hash, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Level {
        /// The field `price` in the table `Level`
        pub price: i64,
        /// The field `quantity` in the table `Level`
        pub quantity: i64,
        /// The field `orders` in the table `Level`
        pub orders: u32,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Level {
        fn default() -> Self {
            Self {
                price: 0,
                quantity: 0,
                orders: 0,
            }
        }
    }

    impl Level {
        /// Creates a [LevelBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> LevelBuilder<()> {
            LevelBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_price: impl ::planus::WriteAsDefault<i64, i64>,
            field_quantity: impl ::planus::WriteAsDefault<i64, i64>,
            field_orders: impl ::planus::WriteAsDefault<u32, u32>,
        ) -> ::planus::Offset<Self> {
            let prepared_price = field_price.prepare(builder, &0);
            let prepared_quantity = field_quantity.prepare(builder, &0);
            let prepared_orders = field_orders.prepare(builder, &0);

            let mut table_writer: ::planus::table_writer::TableWriter<10> =
                ::core::default::Default::default();
            if prepared_price.is_some() {
                table_writer.write_entry::<i64>(0);
            }
            if prepared_quantity.is_some() {
                table_writer.write_entry::<i64>(1);
            }
            if prepared_orders.is_some() {
                table_writer.write_entry::<u32>(2);
            }

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    if let ::core::option::Option::Some(prepared_price) = prepared_price {
                        object_writer.write::<_, _, 8>(&prepared_price);
                    }
                    if let ::core::option::Option::Some(prepared_quantity) = prepared_quantity {
                        object_writer.write::<_, _, 8>(&prepared_quantity);
                    }
                    if let ::core::option::Option::Some(prepared_orders) = prepared_orders {
                        object_writer.write::<_, _, 4>(&prepared_orders);
                    }
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Level>> for Level {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Level> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Level>> for Level {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Level>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Level> for Level {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Level> {
            Level::create(builder, self.price, self.quantity, self.orders)
        }
    }

    /// Builder for serializing an instance of the [Level] type.
    ///
    /// Can be created using the [Level::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct LevelBuilder<State>(State);

    impl LevelBuilder<()> {
        /// Setter for the [`price` field](Level#structfield.price).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn price<T0>(self, value: T0) -> LevelBuilder<(T0,)>
        where
            T0: ::planus::WriteAsDefault<i64, i64>,
        {
            LevelBuilder((value,))
        }

        /// Sets the [`price` field](Level#structfield.price) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn price_as_default(self) -> LevelBuilder<(::planus::DefaultValue,)> {
            self.price(::planus::DefaultValue)
        }
    }

    impl<T0> LevelBuilder<(T0,)> {
        /// Setter for the [`quantity` field](Level#structfield.quantity).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn quantity<T1>(self, value: T1) -> LevelBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAsDefault<i64, i64>,
        {
            let (v0,) = self.0;
            LevelBuilder((v0, value))
        }

        /// Sets the [`quantity` field](Level#structfield.quantity) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn quantity_as_default(self) -> LevelBuilder<(T0, ::planus::DefaultValue)> {
            self.quantity(::planus::DefaultValue)
        }
    }

    impl<T0, T1> LevelBuilder<(T0, T1)> {
        /// Setter for the [`orders` field](Level#structfield.orders).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn orders<T2>(self, value: T2) -> LevelBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAsDefault<u32, u32>,
        {
            let (v0, v1) = self.0;
            LevelBuilder((v0, v1, value))
        }

        /// Sets the [`orders` field](Level#structfield.orders) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn orders_as_default(self) -> LevelBuilder<(T0, T1, ::planus::DefaultValue)> {
            self.orders(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2> LevelBuilder<(T0, T1, T2)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Level].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Level>
        where
            Self: ::planus::WriteAsOffset<Level>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<i64, i64>,
            T1: ::planus::WriteAsDefault<i64, i64>,
            T2: ::planus::WriteAsDefault<u32, u32>,
        > ::planus::WriteAs<::planus::Offset<Level>> for LevelBuilder<(T0, T1, T2)>
    {
        type Prepared = ::planus::Offset<Level>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Level> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<i64, i64>,
            T1: ::planus::WriteAsDefault<i64, i64>,
            T2: ::planus::WriteAsDefault<u32, u32>,
        > ::planus::WriteAsOptional<::planus::Offset<Level>> for LevelBuilder<(T0, T1, T2)>
    {
        type Prepared = ::planus::Offset<Level>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Level>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<i64, i64>,
            T1: ::planus::WriteAsDefault<i64, i64>,
            T2: ::planus::WriteAsDefault<u32, u32>,
        > ::planus::WriteAsOffset<Level> for LevelBuilder<(T0, T1, T2)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Level> {
            let (v0, v1, v2) = &self.0;
            Level::create(builder, v0, v1, v2)
        }
    }

    /// Reference to a deserialized [Level].
    #[derive(Copy, Clone)]
    pub struct LevelRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> LevelRef<'a> {
        /// Getter for the [`price` field](Level#structfield.price).
        #[inline]
        pub fn price(&self) -> ::planus::Result<i64> {
            ::core::result::Result::Ok(self.0.access(0, "Level", "price")?.unwrap_or(0))
        }

        /// Getter for the [`quantity` field](Level#structfield.quantity).
        #[inline]
        pub fn quantity(&self) -> ::planus::Result<i64> {
            ::core::result::Result::Ok(self.0.access(1, "Level", "quantity")?.unwrap_or(0))
        }

        /// Getter for the [`orders` field](Level#structfield.orders).
        #[inline]
        pub fn orders(&self) -> ::planus::Result<u32> {
            ::core::result::Result::Ok(self.0.access(2, "Level", "orders")?.unwrap_or(0))
        }
    }

    impl<'a> ::core::fmt::Debug for LevelRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("LevelRef");
            f.field("price", &self.price());
            f.field("quantity", &self.quantity());
            f.field("orders", &self.orders());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<LevelRef<'a>> for Level {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: LevelRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                price: ::core::convert::TryInto::try_into(value.price()?)?,
                quantity: ::core::convert::TryInto::try_into(value.quantity()?)?,
                orders: ::core::convert::TryInto::try_into(value.orders()?)?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for LevelRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            ::core::result::Result::Ok(Self(::planus::table_reader::Table::from_buffer(
                buffer, offset,
            )?))
        }
    }

    impl<'a> ::planus::VectorReadInner<'a> for LevelRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[LevelRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Level>> for Level {
        type Value = ::planus::Offset<Level>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Level>],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 4];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (Self::STRIDE * i) as u32,
                );
            }
        }
    }

    impl<'a> ::planus::ReadAsRoot<'a> for LevelRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[LevelRef]", "read_as_root", 0))
        }
    }

    /// The table `Book`
    ///
    /// Generated from these locations:
    /// * Table `Book` in the file `order_book.fbs:9`
    #[derive(
        Clone, Debug, PartialEq, PartialOrd, Eq, Ord, Hash, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Book {
        /// The field `symbol` in the table `Book`
        pub symbol: ::planus::alloc::string::String,
        /// The field `sequence` in the table `Book`
        pub sequence: u64,
        /// The field `timestamp_ns` in the table `Book`
        pub timestamp_ns: u64,
        /// The field `levels` in the table `Book`
        pub levels: ::planus::alloc::vec::Vec<self::Level>,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Book {
        fn default() -> Self {
            Self {
                symbol: ::core::default::Default::default(),
                sequence: 0,
                timestamp_ns: 0,
                levels: ::core::default::Default::default(),
            }
        }
    }

    impl Book {
        /// Creates a [BookBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> BookBuilder<()> {
            BookBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_symbol: impl ::planus::WriteAs<::planus::Offset<str>>,
            field_sequence: impl ::planus::WriteAsDefault<u64, u64>,
            field_timestamp_ns: impl ::planus::WriteAsDefault<u64, u64>,
            field_levels: impl ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Level>]>>,
        ) -> ::planus::Offset<Self> {
            let prepared_symbol = field_symbol.prepare(builder);
            let prepared_sequence = field_sequence.prepare(builder, &0);
            let prepared_timestamp_ns = field_timestamp_ns.prepare(builder, &0);
            let prepared_levels = field_levels.prepare(builder);

            let mut table_writer: ::planus::table_writer::TableWriter<12> =
                ::core::default::Default::default();
            if prepared_sequence.is_some() {
                table_writer.write_entry::<u64>(1);
            }
            if prepared_timestamp_ns.is_some() {
                table_writer.write_entry::<u64>(2);
            }
            table_writer.write_entry::<::planus::Offset<str>>(0);
            table_writer.write_entry::<::planus::Offset<[::planus::Offset<self::Level>]>>(3);

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    if let ::core::option::Option::Some(prepared_sequence) = prepared_sequence {
                        object_writer.write::<_, _, 8>(&prepared_sequence);
                    }
                    if let ::core::option::Option::Some(prepared_timestamp_ns) =
                        prepared_timestamp_ns
                    {
                        object_writer.write::<_, _, 8>(&prepared_timestamp_ns);
                    }
                    object_writer.write::<_, _, 4>(&prepared_symbol);
                    object_writer.write::<_, _, 4>(&prepared_levels);
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Book>> for Book {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Book> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Book>> for Book {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Book>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Book> for Book {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Book> {
            Book::create(
                builder,
                &self.symbol,
                self.sequence,
                self.timestamp_ns,
                &self.levels,
            )
        }
    }

    /// Builder for serializing an instance of the [Book] type.
    ///
    /// Can be created using the [Book::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct BookBuilder<State>(State);

    impl BookBuilder<()> {
        /// Setter for the [`symbol` field](Book#structfield.symbol).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn symbol<T0>(self, value: T0) -> BookBuilder<(T0,)>
        where
            T0: ::planus::WriteAs<::planus::Offset<str>>,
        {
            BookBuilder((value,))
        }
    }

    impl<T0> BookBuilder<(T0,)> {
        /// Setter for the [`sequence` field](Book#structfield.sequence).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn sequence<T1>(self, value: T1) -> BookBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAsDefault<u64, u64>,
        {
            let (v0,) = self.0;
            BookBuilder((v0, value))
        }

        /// Sets the [`sequence` field](Book#structfield.sequence) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn sequence_as_default(self) -> BookBuilder<(T0, ::planus::DefaultValue)> {
            self.sequence(::planus::DefaultValue)
        }
    }

    impl<T0, T1> BookBuilder<(T0, T1)> {
        /// Setter for the [`timestamp_ns` field](Book#structfield.timestamp_ns).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn timestamp_ns<T2>(self, value: T2) -> BookBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAsDefault<u64, u64>,
        {
            let (v0, v1) = self.0;
            BookBuilder((v0, v1, value))
        }

        /// Sets the [`timestamp_ns` field](Book#structfield.timestamp_ns) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn timestamp_ns_as_default(self) -> BookBuilder<(T0, T1, ::planus::DefaultValue)> {
            self.timestamp_ns(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2> BookBuilder<(T0, T1, T2)> {
        /// Setter for the [`levels` field](Book#structfield.levels).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn levels<T3>(self, value: T3) -> BookBuilder<(T0, T1, T2, T3)>
        where
            T3: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Level>]>>,
        {
            let (v0, v1, v2) = self.0;
            BookBuilder((v0, v1, v2, value))
        }
    }

    impl<T0, T1, T2, T3> BookBuilder<(T0, T1, T2, T3)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Book].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Book>
        where
            Self: ::planus::WriteAsOffset<Book>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<str>>,
            T1: ::planus::WriteAsDefault<u64, u64>,
            T2: ::planus::WriteAsDefault<u64, u64>,
            T3: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Level>]>>,
        > ::planus::WriteAs<::planus::Offset<Book>> for BookBuilder<(T0, T1, T2, T3)>
    {
        type Prepared = ::planus::Offset<Book>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Book> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<str>>,
            T1: ::planus::WriteAsDefault<u64, u64>,
            T2: ::planus::WriteAsDefault<u64, u64>,
            T3: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Level>]>>,
        > ::planus::WriteAsOptional<::planus::Offset<Book>> for BookBuilder<(T0, T1, T2, T3)>
    {
        type Prepared = ::planus::Offset<Book>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Book>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<str>>,
            T1: ::planus::WriteAsDefault<u64, u64>,
            T2: ::planus::WriteAsDefault<u64, u64>,
            T3: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Level>]>>,
        > ::planus::WriteAsOffset<Book> for BookBuilder<(T0, T1, T2, T3)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Book> {
            let (v0, v1, v2, v3) = &self.0;
            Book::create(builder, v0, v1, v2, v3)
        }
    }

    /// Reference to a deserialized [Book].
    #[derive(Copy, Clone)]
    pub struct BookRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> BookRef<'a> {
        /// Getter for the [`symbol` field](Book#structfield.symbol).
        #[inline]
        pub fn symbol(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(0, "Book", "symbol")
        }

        /// Getter for the [`sequence` field](Book#structfield.sequence).
        #[inline]
        pub fn sequence(&self) -> ::planus::Result<u64> {
            ::core::result::Result::Ok(self.0.access(1, "Book", "sequence")?.unwrap_or(0))
        }

        /// Getter for the [`timestamp_ns` field](Book#structfield.timestamp_ns).
        #[inline]
        pub fn timestamp_ns(&self) -> ::planus::Result<u64> {
            ::core::result::Result::Ok(self.0.access(2, "Book", "timestamp_ns")?.unwrap_or(0))
        }

        /// Getter for the [`levels` field](Book#structfield.levels).
        #[inline]
        pub fn levels(
            &self,
        ) -> ::planus::Result<::planus::Vector<'a, ::planus::Result<self::LevelRef<'a>>>> {
            self.0.access_required(3, "Book", "levels")
        }
    }

    impl<'a> ::core::fmt::Debug for BookRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("BookRef");
            f.field("symbol", &self.symbol());
            f.field("sequence", &self.sequence());
            f.field("timestamp_ns", &self.timestamp_ns());
            f.field("levels", &self.levels());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<BookRef<'a>> for Book {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: BookRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                symbol: ::core::convert::Into::into(value.symbol()?),
                sequence: ::core::convert::TryInto::try_into(value.sequence()?)?,
                timestamp_ns: ::core::convert::TryInto::try_into(value.timestamp_ns()?)?,
                levels: value.levels()?.to_vec_result()?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for BookRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            ::core::result::Result::Ok(Self(::planus::table_reader::Table::from_buffer(
                buffer, offset,
            )?))
        }
    }

    impl<'a> ::planus::VectorReadInner<'a> for BookRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[BookRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Book>> for Book {
        type Value = ::planus::Offset<Book>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Book>],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 4];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (Self::STRIDE * i) as u32,
                );
            }
        }
    }

    impl<'a> ::planus::ReadAsRoot<'a> for BookRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[BookRef]", "read_as_root", 0))
        }
    }
}
