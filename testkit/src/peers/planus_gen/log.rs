pub use root::*;

const _: () = ::planus::check_version_compatibility("planus-1.3.0");

/// The root namespace
///
/// Generated from these locations:
/// * File `log.fbs`
#[no_implicit_prelude]
#[allow(clippy::needless_lifetimes)]
mod root {
    /// The struct `Address`
    ///
    /// Generated from these locations:
    /// * Struct `Address` in the file `log.fbs:3`
    #[derive(
        Copy,
        Clone,
        Debug,
        PartialEq,
        PartialOrd,
        Eq,
        Ord,
        Hash,
        Default,
        ::serde::Serialize,
        ::serde::Deserialize,
    )]
    pub struct Address {
        /// The field `x0` in the struct `Address`
        pub x0: u8,

        /// The field `x1` in the struct `Address`
        pub x1: u8,

        /// The field `x2` in the struct `Address`
        pub x2: u8,

        /// The field `x3` in the struct `Address`
        pub x3: u8,
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for Address {
        const ALIGNMENT: usize = 1;
        const SIZE: usize = 4;
    }

    #[allow(clippy::identity_op)]
    impl ::planus::WriteAsPrimitive<Address> for Address {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            let (cur, cursor) = cursor.split::<1, 3>();
            self.x0.write(cur, buffer_position - 0);
            let (cur, cursor) = cursor.split::<1, 2>();
            self.x1.write(cur, buffer_position - 1);
            let (cur, cursor) = cursor.split::<1, 1>();
            self.x2.write(cur, buffer_position - 2);
            let (cur, cursor) = cursor.split::<1, 0>();
            self.x3.write(cur, buffer_position - 3);
            cursor.finish([]);
        }
    }

    impl ::planus::WriteAsOffset<Address> for Address {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Address> {
            unsafe {
                builder.write_with(4, 0, |buffer_position, bytes| {
                    let bytes = bytes.as_mut_ptr();

                    ::planus::WriteAsPrimitive::write(
                        self,
                        ::planus::Cursor::new(
                            &mut *(bytes as *mut [::core::mem::MaybeUninit<u8>; 4]),
                        ),
                        buffer_position,
                    );
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<Address> for Address {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }
    }

    impl ::planus::WriteAsOptional<Address> for Address {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(*self)
        }
    }

    /// Reference to a deserialized [Address].
    #[derive(Copy, Clone)]
    pub struct AddressRef<'a>(::planus::ArrayWithStartOffset<'a, 4>);

    impl<'a> AddressRef<'a> {
        /// Getter for the [`x0` field](Address#structfield.x0).
        pub fn x0(&self) -> u8 {
            let buffer = self.0.advance_as_array::<1>(0).unwrap();

            u8::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`x1` field](Address#structfield.x1).
        pub fn x1(&self) -> u8 {
            let buffer = self.0.advance_as_array::<1>(1).unwrap();

            u8::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`x2` field](Address#structfield.x2).
        pub fn x2(&self) -> u8 {
            let buffer = self.0.advance_as_array::<1>(2).unwrap();

            u8::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`x3` field](Address#structfield.x3).
        pub fn x3(&self) -> u8 {
            let buffer = self.0.advance_as_array::<1>(3).unwrap();

            u8::from_le_bytes(*buffer.as_array())
        }
    }

    impl<'a> ::core::fmt::Debug for AddressRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("AddressRef");
            f.field("x0", &self.x0());
            f.field("x1", &self.x1());
            f.field("x2", &self.x2());
            f.field("x3", &self.x3());
            f.finish()
        }
    }

    impl<'a> ::core::convert::From<::planus::ArrayWithStartOffset<'a, 4>> for AddressRef<'a> {
        fn from(array: ::planus::ArrayWithStartOffset<'a, 4>) -> Self {
            Self(array)
        }
    }

    impl<'a> ::core::convert::From<AddressRef<'a>> for Address {
        #[allow(unreachable_code)]
        fn from(value: AddressRef<'a>) -> Self {
            Self {
                x0: value.x0(),
                x1: value.x1(),
                x2: value.x2(),
                x3: value.x3(),
            }
        }
    }

    impl<'a, 'b> ::core::cmp::PartialEq<AddressRef<'a>> for AddressRef<'b> {
        fn eq(&self, other: &AddressRef<'_>) -> bool {
            self.x0() == other.x0()
                && self.x1() == other.x1()
                && self.x2() == other.x2()
                && self.x3() == other.x3()
        }
    }

    impl<'a> ::core::cmp::Eq for AddressRef<'a> {}
    impl<'a, 'b> ::core::cmp::PartialOrd<AddressRef<'a>> for AddressRef<'b> {
        fn partial_cmp(
            &self,
            other: &AddressRef<'_>,
        ) -> ::core::option::Option<::core::cmp::Ordering> {
            ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
        }
    }

    impl<'a> ::core::cmp::Ord for AddressRef<'a> {
        fn cmp(&self, other: &AddressRef<'_>) -> ::core::cmp::Ordering {
            self.x0()
                .cmp(&other.x0())
                .then_with(|| self.x1().cmp(&other.x1()))
                .then_with(|| self.x2().cmp(&other.x2()))
                .then_with(|| self.x3().cmp(&other.x3()))
        }
    }

    impl<'a> ::core::hash::Hash for AddressRef<'a> {
        fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
            self.x0().hash(state);
            self.x1().hash(state);
            self.x2().hash(state);
            self.x3().hash(state);
        }
    }

    impl<'a> ::planus::TableRead<'a> for AddressRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let buffer = buffer.advance_as_array::<4>(offset)?;
            ::core::result::Result::Ok(Self(buffer))
        }
    }

    impl<'a> ::planus::VectorRead<'a> for AddressRef<'a> {
        const STRIDE: usize = 4;

        #[inline]
        unsafe fn from_buffer(buffer: ::planus::SliceWithStartOffset<'a>, offset: usize) -> Self {
            Self(unsafe { buffer.unchecked_advance_as_array(offset) })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<Address> for Address {
        const STRIDE: usize = 4;

        type Value = Address;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self::Value {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[Address],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 4];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (4 * i) as u32,
                );
            }
        }
    }

    /// The table `Log`
    ///
    /// Generated from these locations:
    /// * Table `Log` in the file `log.fbs:10`
    #[derive(
        Clone, Debug, PartialEq, PartialOrd, Eq, Ord, Hash, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Log {
        /// The field `address` in the table `Log`
        pub address: self::Address,
        /// The field `identity` in the table `Log`
        pub identity: ::planus::alloc::string::String,
        /// The field `userid` in the table `Log`
        pub userid: ::planus::alloc::string::String,
        /// The field `date` in the table `Log`
        pub date: ::planus::alloc::string::String,
        /// The field `request` in the table `Log`
        pub request: ::planus::alloc::string::String,
        /// The field `code` in the table `Log`
        pub code: u16,
        /// The field `size` in the table `Log`
        pub size: u64,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Log {
        fn default() -> Self {
            Self {
                address: ::core::default::Default::default(),
                identity: ::core::default::Default::default(),
                userid: ::core::default::Default::default(),
                date: ::core::default::Default::default(),
                request: ::core::default::Default::default(),
                code: 0,
                size: 0,
            }
        }
    }

    impl Log {
        /// Creates a [LogBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> LogBuilder<()> {
            LogBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_address: impl ::planus::WriteAs<self::Address>,
            field_identity: impl ::planus::WriteAs<::planus::Offset<str>>,
            field_userid: impl ::planus::WriteAs<::planus::Offset<str>>,
            field_date: impl ::planus::WriteAs<::planus::Offset<str>>,
            field_request: impl ::planus::WriteAs<::planus::Offset<str>>,
            field_code: impl ::planus::WriteAsDefault<u16, u16>,
            field_size: impl ::planus::WriteAsDefault<u64, u64>,
        ) -> ::planus::Offset<Self> {
            let prepared_address = field_address.prepare(builder);
            let prepared_identity = field_identity.prepare(builder);
            let prepared_userid = field_userid.prepare(builder);
            let prepared_date = field_date.prepare(builder);
            let prepared_request = field_request.prepare(builder);
            let prepared_code = field_code.prepare(builder, &0);
            let prepared_size = field_size.prepare(builder, &0);

            let mut table_writer: ::planus::table_writer::TableWriter<18> =
                ::core::default::Default::default();
            if prepared_size.is_some() {
                table_writer.write_entry::<u64>(6);
            }
            table_writer.write_entry::<::planus::Offset<str>>(1);
            table_writer.write_entry::<::planus::Offset<str>>(2);
            table_writer.write_entry::<::planus::Offset<str>>(3);
            table_writer.write_entry::<::planus::Offset<str>>(4);
            if prepared_code.is_some() {
                table_writer.write_entry::<u16>(5);
            }
            table_writer.write_entry::<self::Address>(0);

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    if let ::core::option::Option::Some(prepared_size) = prepared_size {
                        object_writer.write::<_, _, 8>(&prepared_size);
                    }
                    object_writer.write::<_, _, 4>(&prepared_identity);
                    object_writer.write::<_, _, 4>(&prepared_userid);
                    object_writer.write::<_, _, 4>(&prepared_date);
                    object_writer.write::<_, _, 4>(&prepared_request);
                    if let ::core::option::Option::Some(prepared_code) = prepared_code {
                        object_writer.write::<_, _, 2>(&prepared_code);
                    }
                    object_writer.write::<_, _, 4>(&prepared_address);
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Log>> for Log {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Log> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Log>> for Log {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Log>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Log> for Log {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Log> {
            Log::create(
                builder,
                self.address,
                &self.identity,
                &self.userid,
                &self.date,
                &self.request,
                self.code,
                self.size,
            )
        }
    }

    /// Builder for serializing an instance of the [Log] type.
    ///
    /// Can be created using the [Log::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct LogBuilder<State>(State);

    impl LogBuilder<()> {
        /// Setter for the [`address` field](Log#structfield.address).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn address<T0>(self, value: T0) -> LogBuilder<(T0,)>
        where
            T0: ::planus::WriteAs<self::Address>,
        {
            LogBuilder((value,))
        }
    }

    impl<T0> LogBuilder<(T0,)> {
        /// Setter for the [`identity` field](Log#structfield.identity).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn identity<T1>(self, value: T1) -> LogBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAs<::planus::Offset<str>>,
        {
            let (v0,) = self.0;
            LogBuilder((v0, value))
        }
    }

    impl<T0, T1> LogBuilder<(T0, T1)> {
        /// Setter for the [`userid` field](Log#structfield.userid).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn userid<T2>(self, value: T2) -> LogBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAs<::planus::Offset<str>>,
        {
            let (v0, v1) = self.0;
            LogBuilder((v0, v1, value))
        }
    }

    impl<T0, T1, T2> LogBuilder<(T0, T1, T2)> {
        /// Setter for the [`date` field](Log#structfield.date).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn date<T3>(self, value: T3) -> LogBuilder<(T0, T1, T2, T3)>
        where
            T3: ::planus::WriteAs<::planus::Offset<str>>,
        {
            let (v0, v1, v2) = self.0;
            LogBuilder((v0, v1, v2, value))
        }
    }

    impl<T0, T1, T2, T3> LogBuilder<(T0, T1, T2, T3)> {
        /// Setter for the [`request` field](Log#structfield.request).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn request<T4>(self, value: T4) -> LogBuilder<(T0, T1, T2, T3, T4)>
        where
            T4: ::planus::WriteAs<::planus::Offset<str>>,
        {
            let (v0, v1, v2, v3) = self.0;
            LogBuilder((v0, v1, v2, v3, value))
        }
    }

    impl<T0, T1, T2, T3, T4> LogBuilder<(T0, T1, T2, T3, T4)> {
        /// Setter for the [`code` field](Log#structfield.code).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn code<T5>(self, value: T5) -> LogBuilder<(T0, T1, T2, T3, T4, T5)>
        where
            T5: ::planus::WriteAsDefault<u16, u16>,
        {
            let (v0, v1, v2, v3, v4) = self.0;
            LogBuilder((v0, v1, v2, v3, v4, value))
        }

        /// Sets the [`code` field](Log#structfield.code) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn code_as_default(self) -> LogBuilder<(T0, T1, T2, T3, T4, ::planus::DefaultValue)> {
            self.code(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5> LogBuilder<(T0, T1, T2, T3, T4, T5)> {
        /// Setter for the [`size` field](Log#structfield.size).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn size<T6>(self, value: T6) -> LogBuilder<(T0, T1, T2, T3, T4, T5, T6)>
        where
            T6: ::planus::WriteAsDefault<u64, u64>,
        {
            let (v0, v1, v2, v3, v4, v5) = self.0;
            LogBuilder((v0, v1, v2, v3, v4, v5, value))
        }

        /// Sets the [`size` field](Log#structfield.size) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn size_as_default(
            self,
        ) -> LogBuilder<(T0, T1, T2, T3, T4, T5, ::planus::DefaultValue)> {
            self.size(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6> LogBuilder<(T0, T1, T2, T3, T4, T5, T6)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Log].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Log>
        where
            Self: ::planus::WriteAsOffset<Log>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<self::Address>,
            T1: ::planus::WriteAs<::planus::Offset<str>>,
            T2: ::planus::WriteAs<::planus::Offset<str>>,
            T3: ::planus::WriteAs<::planus::Offset<str>>,
            T4: ::planus::WriteAs<::planus::Offset<str>>,
            T5: ::planus::WriteAsDefault<u16, u16>,
            T6: ::planus::WriteAsDefault<u64, u64>,
        > ::planus::WriteAs<::planus::Offset<Log>> for LogBuilder<(T0, T1, T2, T3, T4, T5, T6)>
    {
        type Prepared = ::planus::Offset<Log>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Log> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<self::Address>,
            T1: ::planus::WriteAs<::planus::Offset<str>>,
            T2: ::planus::WriteAs<::planus::Offset<str>>,
            T3: ::planus::WriteAs<::planus::Offset<str>>,
            T4: ::planus::WriteAs<::planus::Offset<str>>,
            T5: ::planus::WriteAsDefault<u16, u16>,
            T6: ::planus::WriteAsDefault<u64, u64>,
        > ::planus::WriteAsOptional<::planus::Offset<Log>>
        for LogBuilder<(T0, T1, T2, T3, T4, T5, T6)>
    {
        type Prepared = ::planus::Offset<Log>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Log>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAs<self::Address>,
            T1: ::planus::WriteAs<::planus::Offset<str>>,
            T2: ::planus::WriteAs<::planus::Offset<str>>,
            T3: ::planus::WriteAs<::planus::Offset<str>>,
            T4: ::planus::WriteAs<::planus::Offset<str>>,
            T5: ::planus::WriteAsDefault<u16, u16>,
            T6: ::planus::WriteAsDefault<u64, u64>,
        > ::planus::WriteAsOffset<Log> for LogBuilder<(T0, T1, T2, T3, T4, T5, T6)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Log> {
            let (v0, v1, v2, v3, v4, v5, v6) = &self.0;
            Log::create(builder, v0, v1, v2, v3, v4, v5, v6)
        }
    }

    /// Reference to a deserialized [Log].
    #[derive(Copy, Clone)]
    pub struct LogRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> LogRef<'a> {
        /// Getter for the [`address` field](Log#structfield.address).
        #[inline]
        pub fn address(&self) -> ::planus::Result<self::AddressRef<'a>> {
            self.0.access_required(0, "Log", "address")
        }

        /// Getter for the [`identity` field](Log#structfield.identity).
        #[inline]
        pub fn identity(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(1, "Log", "identity")
        }

        /// Getter for the [`userid` field](Log#structfield.userid).
        #[inline]
        pub fn userid(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(2, "Log", "userid")
        }

        /// Getter for the [`date` field](Log#structfield.date).
        #[inline]
        pub fn date(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(3, "Log", "date")
        }

        /// Getter for the [`request` field](Log#structfield.request).
        #[inline]
        pub fn request(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(4, "Log", "request")
        }

        /// Getter for the [`code` field](Log#structfield.code).
        #[inline]
        pub fn code(&self) -> ::planus::Result<u16> {
            ::core::result::Result::Ok(self.0.access(5, "Log", "code")?.unwrap_or(0))
        }

        /// Getter for the [`size` field](Log#structfield.size).
        #[inline]
        pub fn size(&self) -> ::planus::Result<u64> {
            ::core::result::Result::Ok(self.0.access(6, "Log", "size")?.unwrap_or(0))
        }
    }

    impl<'a> ::core::fmt::Debug for LogRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("LogRef");
            f.field("address", &self.address());
            f.field("identity", &self.identity());
            f.field("userid", &self.userid());
            f.field("date", &self.date());
            f.field("request", &self.request());
            f.field("code", &self.code());
            f.field("size", &self.size());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<LogRef<'a>> for Log {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: LogRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                address: ::core::convert::Into::into(value.address()?),
                identity: ::core::convert::Into::into(value.identity()?),
                userid: ::core::convert::Into::into(value.userid()?),
                date: ::core::convert::Into::into(value.date()?),
                request: ::core::convert::Into::into(value.request()?),
                code: ::core::convert::TryInto::try_into(value.code()?)?,
                size: ::core::convert::TryInto::try_into(value.size()?)?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for LogRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for LogRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[LogRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Log>> for Log {
        type Value = ::planus::Offset<Log>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Log>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for LogRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[LogRef]", "read_as_root", 0))
        }
    }
}
