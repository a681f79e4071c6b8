pub use root::*;

const _: () = ::planus::check_version_compatibility("planus-1.3.0");

/// The root namespace
///
/// Generated from these locations:
/// * File `telemetry.fbs`
#[no_implicit_prelude]
#[allow(clippy::needless_lifetimes)]
mod root {
    /// The table `Source`
    ///
    /// Generated from these locations:
    /// * Table `Source` in the file `telemetry.fbs:3`
    #[derive(
        Clone, Debug, PartialEq, PartialOrd, Eq, Ord, Hash, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Source {
        /// The field `host` in the table `Source`
        pub host: ::planus::alloc::string::String,
        /// The field `pid` in the table `Source`
        pub pid: u32,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Source {
        fn default() -> Self {
            Self {
                host: ::core::default::Default::default(),
                pid: 0,
            }
        }
    }

    impl Source {
        /// Creates a [SourceBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> SourceBuilder<()> {
            SourceBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_host: impl ::planus::WriteAs<::planus::Offset<str>>,
            field_pid: impl ::planus::WriteAsDefault<u32, u32>,
        ) -> ::planus::Offset<Self> {
            let prepared_host = field_host.prepare(builder);
            let prepared_pid = field_pid.prepare(builder, &0);

            let mut table_writer: ::planus::table_writer::TableWriter<8> =
                ::core::default::Default::default();
            table_writer.write_entry::<::planus::Offset<str>>(0);
            if prepared_pid.is_some() {
                table_writer.write_entry::<u32>(1);
            }

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    object_writer.write::<_, _, 4>(&prepared_host);
                    if let ::core::option::Option::Some(prepared_pid) = prepared_pid {
                        object_writer.write::<_, _, 4>(&prepared_pid);
                    }
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Source>> for Source {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Source> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Source>> for Source {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Source>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Source> for Source {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Source> {
            Source::create(builder, &self.host, self.pid)
        }
    }

    /// Builder for serializing an instance of the [Source] type.
    ///
    /// Can be created using the [Source::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct SourceBuilder<State>(State);

    impl SourceBuilder<()> {
        /// Setter for the [`host` field](Source#structfield.host).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn host<T0>(self, value: T0) -> SourceBuilder<(T0,)>
        where
            T0: ::planus::WriteAs<::planus::Offset<str>>,
        {
            SourceBuilder((value,))
        }
    }

    impl<T0> SourceBuilder<(T0,)> {
        /// Setter for the [`pid` field](Source#structfield.pid).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn pid<T1>(self, value: T1) -> SourceBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAsDefault<u32, u32>,
        {
            let (v0,) = self.0;
            SourceBuilder((v0, value))
        }

        /// Sets the [`pid` field](Source#structfield.pid) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn pid_as_default(self) -> SourceBuilder<(T0, ::planus::DefaultValue)> {
            self.pid(::planus::DefaultValue)
        }
    }

    impl<T0, T1> SourceBuilder<(T0, T1)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Source].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Source>
        where
            Self: ::planus::WriteAsOffset<Source>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<T0: ::planus::WriteAs<::planus::Offset<str>>, T1: ::planus::WriteAsDefault<u32, u32>>
        ::planus::WriteAs<::planus::Offset<Source>> for SourceBuilder<(T0, T1)>
    {
        type Prepared = ::planus::Offset<Source>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Source> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<T0: ::planus::WriteAs<::planus::Offset<str>>, T1: ::planus::WriteAsDefault<u32, u32>>
        ::planus::WriteAsOptional<::planus::Offset<Source>> for SourceBuilder<(T0, T1)>
    {
        type Prepared = ::planus::Offset<Source>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Source>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<T0: ::planus::WriteAs<::planus::Offset<str>>, T1: ::planus::WriteAsDefault<u32, u32>>
        ::planus::WriteAsOffset<Source> for SourceBuilder<(T0, T1)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Source> {
            let (v0, v1) = &self.0;
            Source::create(builder, v0, v1)
        }
    }

    /// Reference to a deserialized [Source].
    #[derive(Copy, Clone)]
    pub struct SourceRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> SourceRef<'a> {
        /// Getter for the [`host` field](Source#structfield.host).
        #[inline]
        pub fn host(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(0, "Source", "host")
        }

        /// Getter for the [`pid` field](Source#structfield.pid).
        #[inline]
        pub fn pid(&self) -> ::planus::Result<u32> {
            ::core::result::Result::Ok(self.0.access(1, "Source", "pid")?.unwrap_or(0))
        }
    }

    impl<'a> ::core::fmt::Debug for SourceRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("SourceRef");
            f.field("host", &self.host());
            f.field("pid", &self.pid());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<SourceRef<'a>> for Source {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: SourceRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                host: ::core::convert::Into::into(value.host()?),
                pid: ::core::convert::TryInto::try_into(value.pid()?)?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for SourceRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for SourceRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[SourceRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Source>> for Source {
        type Value = ::planus::Offset<Source>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Source>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for SourceRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[SourceRef]", "read_as_root", 0))
        }
    }

    /// The table `Location`
    ///
    /// Generated from these locations:
    /// * Table `Location` in the file `telemetry.fbs:8`
    #[derive(Clone, Debug, PartialEq, PartialOrd, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Location {
        /// The field `latitude` in the table `Location`
        pub latitude: f64,
        /// The field `longitude` in the table `Location`
        pub longitude: f64,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Location {
        fn default() -> Self {
            Self {
                latitude: 0.0,
                longitude: 0.0,
            }
        }
    }

    impl Location {
        /// Creates a [LocationBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> LocationBuilder<()> {
            LocationBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_latitude: impl ::planus::WriteAsDefault<f64, f64>,
            field_longitude: impl ::planus::WriteAsDefault<f64, f64>,
        ) -> ::planus::Offset<Self> {
            let prepared_latitude = field_latitude.prepare(builder, &0.0);
            let prepared_longitude = field_longitude.prepare(builder, &0.0);

            let mut table_writer: ::planus::table_writer::TableWriter<8> =
                ::core::default::Default::default();
            if prepared_latitude.is_some() {
                table_writer.write_entry::<f64>(0);
            }
            if prepared_longitude.is_some() {
                table_writer.write_entry::<f64>(1);
            }

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    if let ::core::option::Option::Some(prepared_latitude) = prepared_latitude {
                        object_writer.write::<_, _, 8>(&prepared_latitude);
                    }
                    if let ::core::option::Option::Some(prepared_longitude) = prepared_longitude {
                        object_writer.write::<_, _, 8>(&prepared_longitude);
                    }
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Location>> for Location {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Location> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Location>> for Location {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Location>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Location> for Location {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Location> {
            Location::create(builder, self.latitude, self.longitude)
        }
    }

    /// Builder for serializing an instance of the [Location] type.
    ///
    /// Can be created using the [Location::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct LocationBuilder<State>(State);

    impl LocationBuilder<()> {
        /// Setter for the [`latitude` field](Location#structfield.latitude).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn latitude<T0>(self, value: T0) -> LocationBuilder<(T0,)>
        where
            T0: ::planus::WriteAsDefault<f64, f64>,
        {
            LocationBuilder((value,))
        }

        /// Sets the [`latitude` field](Location#structfield.latitude) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn latitude_as_default(self) -> LocationBuilder<(::planus::DefaultValue,)> {
            self.latitude(::planus::DefaultValue)
        }
    }

    impl<T0> LocationBuilder<(T0,)> {
        /// Setter for the [`longitude` field](Location#structfield.longitude).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn longitude<T1>(self, value: T1) -> LocationBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAsDefault<f64, f64>,
        {
            let (v0,) = self.0;
            LocationBuilder((v0, value))
        }

        /// Sets the [`longitude` field](Location#structfield.longitude) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn longitude_as_default(self) -> LocationBuilder<(T0, ::planus::DefaultValue)> {
            self.longitude(::planus::DefaultValue)
        }
    }

    impl<T0, T1> LocationBuilder<(T0, T1)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Location].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Location>
        where
            Self: ::planus::WriteAsOffset<Location>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<T0: ::planus::WriteAsDefault<f64, f64>, T1: ::planus::WriteAsDefault<f64, f64>>
        ::planus::WriteAs<::planus::Offset<Location>> for LocationBuilder<(T0, T1)>
    {
        type Prepared = ::planus::Offset<Location>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Location> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<T0: ::planus::WriteAsDefault<f64, f64>, T1: ::planus::WriteAsDefault<f64, f64>>
        ::planus::WriteAsOptional<::planus::Offset<Location>> for LocationBuilder<(T0, T1)>
    {
        type Prepared = ::planus::Offset<Location>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Location>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<T0: ::planus::WriteAsDefault<f64, f64>, T1: ::planus::WriteAsDefault<f64, f64>>
        ::planus::WriteAsOffset<Location> for LocationBuilder<(T0, T1)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Location> {
            let (v0, v1) = &self.0;
            Location::create(builder, v0, v1)
        }
    }

    /// Reference to a deserialized [Location].
    #[derive(Copy, Clone)]
    pub struct LocationRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> LocationRef<'a> {
        /// Getter for the [`latitude` field](Location#structfield.latitude).
        #[inline]
        pub fn latitude(&self) -> ::planus::Result<f64> {
            ::core::result::Result::Ok(self.0.access(0, "Location", "latitude")?.unwrap_or(0.0))
        }

        /// Getter for the [`longitude` field](Location#structfield.longitude).
        #[inline]
        pub fn longitude(&self) -> ::planus::Result<f64> {
            ::core::result::Result::Ok(self.0.access(1, "Location", "longitude")?.unwrap_or(0.0))
        }
    }

    impl<'a> ::core::fmt::Debug for LocationRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("LocationRef");
            f.field("latitude", &self.latitude());
            f.field("longitude", &self.longitude());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<LocationRef<'a>> for Location {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: LocationRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                latitude: ::core::convert::TryInto::try_into(value.latitude()?)?,
                longitude: ::core::convert::TryInto::try_into(value.longitude()?)?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for LocationRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for LocationRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[LocationRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Location>> for Location {
        type Value = ::planus::Offset<Location>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Location>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for LocationRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| {
                error_kind.with_error_location("[LocationRef]", "read_as_root", 0)
            })
        }
    }

    /// The table `Reading`
    ///
    /// Generated from these locations:
    /// * Table `Reading` in the file `telemetry.fbs:13`
    #[derive(Clone, Debug, PartialEq, PartialOrd, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Reading {
        /// The field `sensor` in the table `Reading`
        pub sensor: u16,
        /// The field `value` in the table `Reading`
        pub value: f32,
        /// The field `flags` in the table `Reading`
        pub flags: u8,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Reading {
        fn default() -> Self {
            Self {
                sensor: 0,
                value: 0.0,
                flags: 0,
            }
        }
    }

    impl Reading {
        /// Creates a [ReadingBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> ReadingBuilder<()> {
            ReadingBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_sensor: impl ::planus::WriteAsDefault<u16, u16>,
            field_value: impl ::planus::WriteAsDefault<f32, f32>,
            field_flags: impl ::planus::WriteAsDefault<u8, u8>,
        ) -> ::planus::Offset<Self> {
            let prepared_sensor = field_sensor.prepare(builder, &0);
            let prepared_value = field_value.prepare(builder, &0.0);
            let prepared_flags = field_flags.prepare(builder, &0);

            let mut table_writer: ::planus::table_writer::TableWriter<10> =
                ::core::default::Default::default();
            if prepared_value.is_some() {
                table_writer.write_entry::<f32>(1);
            }
            if prepared_sensor.is_some() {
                table_writer.write_entry::<u16>(0);
            }
            if prepared_flags.is_some() {
                table_writer.write_entry::<u8>(2);
            }

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    if let ::core::option::Option::Some(prepared_value) = prepared_value {
                        object_writer.write::<_, _, 4>(&prepared_value);
                    }
                    if let ::core::option::Option::Some(prepared_sensor) = prepared_sensor {
                        object_writer.write::<_, _, 2>(&prepared_sensor);
                    }
                    if let ::core::option::Option::Some(prepared_flags) = prepared_flags {
                        object_writer.write::<_, _, 1>(&prepared_flags);
                    }
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Reading>> for Reading {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Reading> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Reading>> for Reading {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Reading>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Reading> for Reading {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Reading> {
            Reading::create(builder, self.sensor, self.value, self.flags)
        }
    }

    /// Builder for serializing an instance of the [Reading] type.
    ///
    /// Can be created using the [Reading::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct ReadingBuilder<State>(State);

    impl ReadingBuilder<()> {
        /// Setter for the [`sensor` field](Reading#structfield.sensor).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn sensor<T0>(self, value: T0) -> ReadingBuilder<(T0,)>
        where
            T0: ::planus::WriteAsDefault<u16, u16>,
        {
            ReadingBuilder((value,))
        }

        /// Sets the [`sensor` field](Reading#structfield.sensor) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn sensor_as_default(self) -> ReadingBuilder<(::planus::DefaultValue,)> {
            self.sensor(::planus::DefaultValue)
        }
    }

    impl<T0> ReadingBuilder<(T0,)> {
        /// Setter for the [`value` field](Reading#structfield.value).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn value<T1>(self, value: T1) -> ReadingBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAsDefault<f32, f32>,
        {
            let (v0,) = self.0;
            ReadingBuilder((v0, value))
        }

        /// Sets the [`value` field](Reading#structfield.value) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn value_as_default(self) -> ReadingBuilder<(T0, ::planus::DefaultValue)> {
            self.value(::planus::DefaultValue)
        }
    }

    impl<T0, T1> ReadingBuilder<(T0, T1)> {
        /// Setter for the [`flags` field](Reading#structfield.flags).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn flags<T2>(self, value: T2) -> ReadingBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAsDefault<u8, u8>,
        {
            let (v0, v1) = self.0;
            ReadingBuilder((v0, v1, value))
        }

        /// Sets the [`flags` field](Reading#structfield.flags) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn flags_as_default(self) -> ReadingBuilder<(T0, T1, ::planus::DefaultValue)> {
            self.flags(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2> ReadingBuilder<(T0, T1, T2)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Reading].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Reading>
        where
            Self: ::planus::WriteAsOffset<Reading>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<u16, u16>,
            T1: ::planus::WriteAsDefault<f32, f32>,
            T2: ::planus::WriteAsDefault<u8, u8>,
        > ::planus::WriteAs<::planus::Offset<Reading>> for ReadingBuilder<(T0, T1, T2)>
    {
        type Prepared = ::planus::Offset<Reading>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Reading> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<u16, u16>,
            T1: ::planus::WriteAsDefault<f32, f32>,
            T2: ::planus::WriteAsDefault<u8, u8>,
        > ::planus::WriteAsOptional<::planus::Offset<Reading>> for ReadingBuilder<(T0, T1, T2)>
    {
        type Prepared = ::planus::Offset<Reading>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Reading>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<u16, u16>,
            T1: ::planus::WriteAsDefault<f32, f32>,
            T2: ::planus::WriteAsDefault<u8, u8>,
        > ::planus::WriteAsOffset<Reading> for ReadingBuilder<(T0, T1, T2)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Reading> {
            let (v0, v1, v2) = &self.0;
            Reading::create(builder, v0, v1, v2)
        }
    }

    /// Reference to a deserialized [Reading].
    #[derive(Copy, Clone)]
    pub struct ReadingRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> ReadingRef<'a> {
        /// Getter for the [`sensor` field](Reading#structfield.sensor).
        #[inline]
        pub fn sensor(&self) -> ::planus::Result<u16> {
            ::core::result::Result::Ok(self.0.access(0, "Reading", "sensor")?.unwrap_or(0))
        }

        /// Getter for the [`value` field](Reading#structfield.value).
        #[inline]
        pub fn value(&self) -> ::planus::Result<f32> {
            ::core::result::Result::Ok(self.0.access(1, "Reading", "value")?.unwrap_or(0.0))
        }

        /// Getter for the [`flags` field](Reading#structfield.flags).
        #[inline]
        pub fn flags(&self) -> ::planus::Result<u8> {
            ::core::result::Result::Ok(self.0.access(2, "Reading", "flags")?.unwrap_or(0))
        }
    }

    impl<'a> ::core::fmt::Debug for ReadingRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("ReadingRef");
            f.field("sensor", &self.sensor());
            f.field("value", &self.value());
            f.field("flags", &self.flags());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<ReadingRef<'a>> for Reading {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: ReadingRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                sensor: ::core::convert::TryInto::try_into(value.sensor()?)?,
                value: ::core::convert::TryInto::try_into(value.value()?)?,
                flags: ::core::convert::TryInto::try_into(value.flags()?)?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for ReadingRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for ReadingRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[ReadingRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Reading>> for Reading {
        type Value = ::planus::Offset<Reading>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Reading>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for ReadingRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[ReadingRef]", "read_as_root", 0))
        }
    }

    /// The table `Event`
    ///
    /// Generated from these locations:
    /// * Table `Event` in the file `telemetry.fbs:19`
    #[derive(Clone, Debug, PartialEq, PartialOrd, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Event {
        /// The field `timestamp_ns` in the table `Event`
        pub timestamp_ns: u64,
        /// The field `name` in the table `Event`
        pub name: ::planus::alloc::string::String,
        /// The field `device` in the table `Event`
        pub device: ::planus::alloc::string::String,
        /// The field `source` in the table `Event`
        pub source: ::planus::alloc::boxed::Box<self::Source>,
        /// The field `location` in the table `Event`
        pub location: ::planus::alloc::boxed::Box<self::Location>,
        /// The field `readings` in the table `Event`
        pub readings: ::planus::alloc::vec::Vec<self::Reading>,
        /// The field `samples` in the table `Event`
        pub samples: ::planus::alloc::vec::Vec<f32>,
        /// The field `note` in the table `Event`
        pub note: ::core::option::Option<::planus::alloc::string::String>,
        /// The field `level` in the table `Event`
        pub level: u8,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Event {
        fn default() -> Self {
            Self {
                timestamp_ns: 0,
                name: ::core::default::Default::default(),
                device: ::core::default::Default::default(),
                source: ::core::default::Default::default(),
                location: ::core::default::Default::default(),
                readings: ::core::default::Default::default(),
                samples: ::core::default::Default::default(),
                note: ::core::default::Default::default(),
                level: 0,
            }
        }
    }

    impl Event {
        /// Creates a [EventBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> EventBuilder<()> {
            EventBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_timestamp_ns: impl ::planus::WriteAsDefault<u64, u64>,
            field_name: impl ::planus::WriteAs<::planus::Offset<str>>,
            field_device: impl ::planus::WriteAs<::planus::Offset<str>>,
            field_source: impl ::planus::WriteAs<::planus::Offset<self::Source>>,
            field_location: impl ::planus::WriteAs<::planus::Offset<self::Location>>,
            field_readings: impl ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Reading>]>>,
            field_samples: impl ::planus::WriteAs<::planus::Offset<[f32]>>,
            field_note: impl ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            field_level: impl ::planus::WriteAsDefault<u8, u8>,
        ) -> ::planus::Offset<Self> {
            let prepared_timestamp_ns = field_timestamp_ns.prepare(builder, &0);
            let prepared_name = field_name.prepare(builder);
            let prepared_device = field_device.prepare(builder);
            let prepared_source = field_source.prepare(builder);
            let prepared_location = field_location.prepare(builder);
            let prepared_readings = field_readings.prepare(builder);
            let prepared_samples = field_samples.prepare(builder);
            let prepared_note = field_note.prepare(builder);
            let prepared_level = field_level.prepare(builder, &0);

            let mut table_writer: ::planus::table_writer::TableWriter<22> =
                ::core::default::Default::default();
            if prepared_timestamp_ns.is_some() {
                table_writer.write_entry::<u64>(0);
            }
            table_writer.write_entry::<::planus::Offset<str>>(1);
            table_writer.write_entry::<::planus::Offset<str>>(2);
            table_writer.write_entry::<::planus::Offset<self::Source>>(3);
            table_writer.write_entry::<::planus::Offset<self::Location>>(4);
            table_writer.write_entry::<::planus::Offset<[::planus::Offset<self::Reading>]>>(5);
            table_writer.write_entry::<::planus::Offset<[f32]>>(6);
            if prepared_note.is_some() {
                table_writer.write_entry::<::planus::Offset<str>>(7);
            }
            if prepared_level.is_some() {
                table_writer.write_entry::<u8>(8);
            }

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    if let ::core::option::Option::Some(prepared_timestamp_ns) =
                        prepared_timestamp_ns
                    {
                        object_writer.write::<_, _, 8>(&prepared_timestamp_ns);
                    }
                    object_writer.write::<_, _, 4>(&prepared_name);
                    object_writer.write::<_, _, 4>(&prepared_device);
                    object_writer.write::<_, _, 4>(&prepared_source);
                    object_writer.write::<_, _, 4>(&prepared_location);
                    object_writer.write::<_, _, 4>(&prepared_readings);
                    object_writer.write::<_, _, 4>(&prepared_samples);
                    if let ::core::option::Option::Some(prepared_note) = prepared_note {
                        object_writer.write::<_, _, 4>(&prepared_note);
                    }
                    if let ::core::option::Option::Some(prepared_level) = prepared_level {
                        object_writer.write::<_, _, 1>(&prepared_level);
                    }
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Event>> for Event {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Event> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Event>> for Event {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Event>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Event> for Event {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Event> {
            Event::create(
                builder,
                self.timestamp_ns,
                &self.name,
                &self.device,
                &self.source,
                &self.location,
                &self.readings,
                &self.samples,
                &self.note,
                self.level,
            )
        }
    }

    /// Builder for serializing an instance of the [Event] type.
    ///
    /// Can be created using the [Event::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct EventBuilder<State>(State);

    impl EventBuilder<()> {
        /// Setter for the [`timestamp_ns` field](Event#structfield.timestamp_ns).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn timestamp_ns<T0>(self, value: T0) -> EventBuilder<(T0,)>
        where
            T0: ::planus::WriteAsDefault<u64, u64>,
        {
            EventBuilder((value,))
        }

        /// Sets the [`timestamp_ns` field](Event#structfield.timestamp_ns) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn timestamp_ns_as_default(self) -> EventBuilder<(::planus::DefaultValue,)> {
            self.timestamp_ns(::planus::DefaultValue)
        }
    }

    impl<T0> EventBuilder<(T0,)> {
        /// Setter for the [`name` field](Event#structfield.name).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn name<T1>(self, value: T1) -> EventBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAs<::planus::Offset<str>>,
        {
            let (v0,) = self.0;
            EventBuilder((v0, value))
        }
    }

    impl<T0, T1> EventBuilder<(T0, T1)> {
        /// Setter for the [`device` field](Event#structfield.device).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn device<T2>(self, value: T2) -> EventBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAs<::planus::Offset<str>>,
        {
            let (v0, v1) = self.0;
            EventBuilder((v0, v1, value))
        }
    }

    impl<T0, T1, T2> EventBuilder<(T0, T1, T2)> {
        /// Setter for the [`source` field](Event#structfield.source).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn source<T3>(self, value: T3) -> EventBuilder<(T0, T1, T2, T3)>
        where
            T3: ::planus::WriteAs<::planus::Offset<self::Source>>,
        {
            let (v0, v1, v2) = self.0;
            EventBuilder((v0, v1, v2, value))
        }
    }

    impl<T0, T1, T2, T3> EventBuilder<(T0, T1, T2, T3)> {
        /// Setter for the [`location` field](Event#structfield.location).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn location<T4>(self, value: T4) -> EventBuilder<(T0, T1, T2, T3, T4)>
        where
            T4: ::planus::WriteAs<::planus::Offset<self::Location>>,
        {
            let (v0, v1, v2, v3) = self.0;
            EventBuilder((v0, v1, v2, v3, value))
        }
    }

    impl<T0, T1, T2, T3, T4> EventBuilder<(T0, T1, T2, T3, T4)> {
        /// Setter for the [`readings` field](Event#structfield.readings).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn readings<T5>(self, value: T5) -> EventBuilder<(T0, T1, T2, T3, T4, T5)>
        where
            T5: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Reading>]>>,
        {
            let (v0, v1, v2, v3, v4) = self.0;
            EventBuilder((v0, v1, v2, v3, v4, value))
        }
    }

    impl<T0, T1, T2, T3, T4, T5> EventBuilder<(T0, T1, T2, T3, T4, T5)> {
        /// Setter for the [`samples` field](Event#structfield.samples).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn samples<T6>(self, value: T6) -> EventBuilder<(T0, T1, T2, T3, T4, T5, T6)>
        where
            T6: ::planus::WriteAs<::planus::Offset<[f32]>>,
        {
            let (v0, v1, v2, v3, v4, v5) = self.0;
            EventBuilder((v0, v1, v2, v3, v4, v5, value))
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6> EventBuilder<(T0, T1, T2, T3, T4, T5, T6)> {
        /// Setter for the [`note` field](Event#structfield.note).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn note<T7>(self, value: T7) -> EventBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)>
        where
            T7: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
        {
            let (v0, v1, v2, v3, v4, v5, v6) = self.0;
            EventBuilder((v0, v1, v2, v3, v4, v5, v6, value))
        }

        /// Sets the [`note` field](Event#structfield.note) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn note_as_null(self) -> EventBuilder<(T0, T1, T2, T3, T4, T5, T6, ())> {
            self.note(())
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7> EventBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)> {
        /// Setter for the [`level` field](Event#structfield.level).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn level<T8>(self, value: T8) -> EventBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)>
        where
            T8: ::planus::WriteAsDefault<u8, u8>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7) = self.0;
            EventBuilder((v0, v1, v2, v3, v4, v5, v6, v7, value))
        }

        /// Sets the [`level` field](Event#structfield.level) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn level_as_default(
            self,
        ) -> EventBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, ::planus::DefaultValue)> {
            self.level(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8> EventBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Event].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Event>
        where
            Self: ::planus::WriteAsOffset<Event>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<u64, u64>,
            T1: ::planus::WriteAs<::planus::Offset<str>>,
            T2: ::planus::WriteAs<::planus::Offset<str>>,
            T3: ::planus::WriteAs<::planus::Offset<self::Source>>,
            T4: ::planus::WriteAs<::planus::Offset<self::Location>>,
            T5: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Reading>]>>,
            T6: ::planus::WriteAs<::planus::Offset<[f32]>>,
            T7: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            T8: ::planus::WriteAsDefault<u8, u8>,
        > ::planus::WriteAs<::planus::Offset<Event>>
        for EventBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)>
    {
        type Prepared = ::planus::Offset<Event>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Event> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<u64, u64>,
            T1: ::planus::WriteAs<::planus::Offset<str>>,
            T2: ::planus::WriteAs<::planus::Offset<str>>,
            T3: ::planus::WriteAs<::planus::Offset<self::Source>>,
            T4: ::planus::WriteAs<::planus::Offset<self::Location>>,
            T5: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Reading>]>>,
            T6: ::planus::WriteAs<::planus::Offset<[f32]>>,
            T7: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            T8: ::planus::WriteAsDefault<u8, u8>,
        > ::planus::WriteAsOptional<::planus::Offset<Event>>
        for EventBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)>
    {
        type Prepared = ::planus::Offset<Event>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Event>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<u64, u64>,
            T1: ::planus::WriteAs<::planus::Offset<str>>,
            T2: ::planus::WriteAs<::planus::Offset<str>>,
            T3: ::planus::WriteAs<::planus::Offset<self::Source>>,
            T4: ::planus::WriteAs<::planus::Offset<self::Location>>,
            T5: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Reading>]>>,
            T6: ::planus::WriteAs<::planus::Offset<[f32]>>,
            T7: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            T8: ::planus::WriteAsDefault<u8, u8>,
        > ::planus::WriteAsOffset<Event> for EventBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Event> {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8) = &self.0;
            Event::create(builder, v0, v1, v2, v3, v4, v5, v6, v7, v8)
        }
    }

    /// Reference to a deserialized [Event].
    #[derive(Copy, Clone)]
    pub struct EventRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> EventRef<'a> {
        /// Getter for the [`timestamp_ns` field](Event#structfield.timestamp_ns).
        #[inline]
        pub fn timestamp_ns(&self) -> ::planus::Result<u64> {
            ::core::result::Result::Ok(self.0.access(0, "Event", "timestamp_ns")?.unwrap_or(0))
        }

        /// Getter for the [`name` field](Event#structfield.name).
        #[inline]
        pub fn name(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(1, "Event", "name")
        }

        /// Getter for the [`device` field](Event#structfield.device).
        #[inline]
        pub fn device(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(2, "Event", "device")
        }

        /// Getter for the [`source` field](Event#structfield.source).
        #[inline]
        pub fn source(&self) -> ::planus::Result<self::SourceRef<'a>> {
            self.0.access_required(3, "Event", "source")
        }

        /// Getter for the [`location` field](Event#structfield.location).
        #[inline]
        pub fn location(&self) -> ::planus::Result<self::LocationRef<'a>> {
            self.0.access_required(4, "Event", "location")
        }

        /// Getter for the [`readings` field](Event#structfield.readings).
        #[inline]
        pub fn readings(
            &self,
        ) -> ::planus::Result<::planus::Vector<'a, ::planus::Result<self::ReadingRef<'a>>>>
        {
            self.0.access_required(5, "Event", "readings")
        }

        /// Getter for the [`samples` field](Event#structfield.samples).
        #[inline]
        pub fn samples(&self) -> ::planus::Result<::planus::Vector<'a, f32>> {
            self.0.access_required(6, "Event", "samples")
        }

        /// Getter for the [`note` field](Event#structfield.note).
        #[inline]
        pub fn note(&self) -> ::planus::Result<::core::option::Option<&'a ::core::primitive::str>> {
            self.0.access(7, "Event", "note")
        }

        /// Getter for the [`level` field](Event#structfield.level).
        #[inline]
        pub fn level(&self) -> ::planus::Result<u8> {
            ::core::result::Result::Ok(self.0.access(8, "Event", "level")?.unwrap_or(0))
        }
    }

    impl<'a> ::core::fmt::Debug for EventRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("EventRef");
            f.field("timestamp_ns", &self.timestamp_ns());
            f.field("name", &self.name());
            f.field("device", &self.device());
            f.field("source", &self.source());
            f.field("location", &self.location());
            f.field("readings", &self.readings());
            f.field("samples", &self.samples());
            if let ::core::option::Option::Some(field_note) = self.note().transpose() {
                f.field("note", &field_note);
            }
            f.field("level", &self.level());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<EventRef<'a>> for Event {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: EventRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                timestamp_ns: ::core::convert::TryInto::try_into(value.timestamp_ns()?)?,
                name: ::core::convert::Into::into(value.name()?),
                device: ::core::convert::Into::into(value.device()?),
                source: ::planus::alloc::boxed::Box::new(::core::convert::TryInto::try_into(
                    value.source()?,
                )?),
                location: ::planus::alloc::boxed::Box::new(::core::convert::TryInto::try_into(
                    value.location()?,
                )?),
                readings: value.readings()?.to_vec_result()?,
                samples: value.samples()?.to_vec()?,
                note: value.note()?.map(::core::convert::Into::into),
                level: ::core::convert::TryInto::try_into(value.level()?)?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for EventRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for EventRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[EventRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Event>> for Event {
        type Value = ::planus::Offset<Event>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Event>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for EventRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[EventRef]", "read_as_root", 0))
        }
    }
}
