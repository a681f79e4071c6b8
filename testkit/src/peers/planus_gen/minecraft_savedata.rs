pub use root::*;

const _: () = ::planus::check_version_compatibility("planus-1.3.0");

/// The root namespace
///
/// Generated from these locations:
/// * File `minecraft_savedata.fbs`
#[no_implicit_prelude]
#[allow(clippy::needless_lifetimes)]
mod root {
    /// The enum `GameType`
    ///
    /// Generated from these locations:
    /// * Enum `GameType` in the file `minecraft_savedata.fbs:3`
    #[derive(
        Copy,
        Clone,
        Debug,
        PartialEq,
        Eq,
        PartialOrd,
        Ord,
        Hash,
        ::serde::Serialize,
        ::serde::Deserialize,
    )]
    #[repr(u8)]
    pub enum GameType {
        /// The variant `Survival` in the enum `GameType`
        Survival = 0,

        /// The variant `Creative` in the enum `GameType`
        Creative = 1,

        /// The variant `Adventure` in the enum `GameType`
        Adventure = 2,

        /// The variant `Spectator` in the enum `GameType`
        Spectator = 3,
    }

    impl GameType {
        /// Array containing all valid variants of GameType
        pub const ENUM_VALUES: [Self; 4] = [
            Self::Survival,
            Self::Creative,
            Self::Adventure,
            Self::Spectator,
        ];
    }

    impl ::core::convert::TryFrom<u8> for GameType {
        type Error = ::planus::errors::UnknownEnumTagKind;
        #[inline]
        fn try_from(
            value: u8,
        ) -> ::core::result::Result<Self, ::planus::errors::UnknownEnumTagKind> {
            #[allow(clippy::match_single_binding)]
            match value {
                0 => ::core::result::Result::Ok(GameType::Survival),
                1 => ::core::result::Result::Ok(GameType::Creative),
                2 => ::core::result::Result::Ok(GameType::Adventure),
                3 => ::core::result::Result::Ok(GameType::Spectator),

                _ => ::core::result::Result::Err(::planus::errors::UnknownEnumTagKind {
                    tag: value as i128,
                }),
            }
        }
    }

    impl ::core::convert::From<GameType> for u8 {
        #[inline]
        fn from(value: GameType) -> Self {
            value as u8
        }
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for GameType {
        const ALIGNMENT: usize = 1;
        const SIZE: usize = 1;
    }

    impl ::planus::WriteAsPrimitive<GameType> for GameType {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            (*self as u8).write(cursor, buffer_position);
        }
    }

    impl ::planus::WriteAs<GameType> for GameType {
        type Prepared = Self;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> GameType {
            *self
        }
    }

    impl ::planus::WriteAsDefault<GameType, GameType> for GameType {
        type Prepared = Self;

        #[inline]
        fn prepare(
            &self,
            _builder: &mut ::planus::Builder,
            default: &GameType,
        ) -> ::core::option::Option<GameType> {
            if self == default {
                ::core::option::Option::None
            } else {
                ::core::option::Option::Some(*self)
            }
        }
    }

    impl ::planus::WriteAsOptional<GameType> for GameType {
        type Prepared = Self;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<GameType> {
            ::core::option::Option::Some(*self)
        }
    }

    impl<'buf> ::planus::TableRead<'buf> for GameType {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'buf>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let n: u8 = ::planus::TableRead::from_buffer(buffer, offset)?;
            ::core::result::Result::Ok(::core::convert::TryInto::try_into(n)?)
        }
    }

    impl<'buf> ::planus::VectorReadInner<'buf> for GameType {
        type Error = ::planus::errors::UnknownEnumTag;
        const STRIDE: usize = 1;
        #[inline]
        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'buf>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::UnknownEnumTag> {
            let value = unsafe { *buffer.buffer.get_unchecked(offset) };
            let value: ::core::result::Result<Self, _> = ::core::convert::TryInto::try_into(value);
            value.map_err(|error_kind| {
                error_kind.with_error_location(
                    "GameType",
                    "VectorRead::from_buffer",
                    buffer.offset_from_start,
                )
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<GameType> for GameType {
        const STRIDE: usize = 1;

        type Value = Self;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[Self],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 1];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - i as u32,
                );
            }
        }
    }

    /// The table `Item`
    ///
    /// Generated from these locations:
    /// * Table `Item` in the file `minecraft_savedata.fbs:10`
    #[derive(
        Clone, Debug, PartialEq, PartialOrd, Eq, Ord, Hash, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Item {
        /// The field `count` in the table `Item`
        pub count: i8,
        /// The field `slot` in the table `Item`
        pub slot: u8,
        /// The field `id` in the table `Item`
        pub id: ::planus::alloc::string::String,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Item {
        fn default() -> Self {
            Self {
                count: 0,
                slot: 0,
                id: ::core::default::Default::default(),
            }
        }
    }

    impl Item {
        /// Creates a [ItemBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> ItemBuilder<()> {
            ItemBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_count: impl ::planus::WriteAsDefault<i8, i8>,
            field_slot: impl ::planus::WriteAsDefault<u8, u8>,
            field_id: impl ::planus::WriteAs<::planus::Offset<str>>,
        ) -> ::planus::Offset<Self> {
            let prepared_count = field_count.prepare(builder, &0);
            let prepared_slot = field_slot.prepare(builder, &0);
            let prepared_id = field_id.prepare(builder);

            let mut table_writer: ::planus::table_writer::TableWriter<10> =
                ::core::default::Default::default();
            table_writer.write_entry::<::planus::Offset<str>>(2);
            if prepared_count.is_some() {
                table_writer.write_entry::<i8>(0);
            }
            if prepared_slot.is_some() {
                table_writer.write_entry::<u8>(1);
            }

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    object_writer.write::<_, _, 4>(&prepared_id);
                    if let ::core::option::Option::Some(prepared_count) = prepared_count {
                        object_writer.write::<_, _, 1>(&prepared_count);
                    }
                    if let ::core::option::Option::Some(prepared_slot) = prepared_slot {
                        object_writer.write::<_, _, 1>(&prepared_slot);
                    }
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Item>> for Item {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Item> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Item>> for Item {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Item>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Item> for Item {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Item> {
            Item::create(builder, self.count, self.slot, &self.id)
        }
    }

    /// Builder for serializing an instance of the [Item] type.
    ///
    /// Can be created using the [Item::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct ItemBuilder<State>(State);

    impl ItemBuilder<()> {
        /// Setter for the [`count` field](Item#structfield.count).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn count<T0>(self, value: T0) -> ItemBuilder<(T0,)>
        where
            T0: ::planus::WriteAsDefault<i8, i8>,
        {
            ItemBuilder((value,))
        }

        /// Sets the [`count` field](Item#structfield.count) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn count_as_default(self) -> ItemBuilder<(::planus::DefaultValue,)> {
            self.count(::planus::DefaultValue)
        }
    }

    impl<T0> ItemBuilder<(T0,)> {
        /// Setter for the [`slot` field](Item#structfield.slot).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn slot<T1>(self, value: T1) -> ItemBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAsDefault<u8, u8>,
        {
            let (v0,) = self.0;
            ItemBuilder((v0, value))
        }

        /// Sets the [`slot` field](Item#structfield.slot) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn slot_as_default(self) -> ItemBuilder<(T0, ::planus::DefaultValue)> {
            self.slot(::planus::DefaultValue)
        }
    }

    impl<T0, T1> ItemBuilder<(T0, T1)> {
        /// Setter for the [`id` field](Item#structfield.id).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn id<T2>(self, value: T2) -> ItemBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAs<::planus::Offset<str>>,
        {
            let (v0, v1) = self.0;
            ItemBuilder((v0, v1, value))
        }
    }

    impl<T0, T1, T2> ItemBuilder<(T0, T1, T2)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Item].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Item>
        where
            Self: ::planus::WriteAsOffset<Item>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<i8, i8>,
            T1: ::planus::WriteAsDefault<u8, u8>,
            T2: ::planus::WriteAs<::planus::Offset<str>>,
        > ::planus::WriteAs<::planus::Offset<Item>> for ItemBuilder<(T0, T1, T2)>
    {
        type Prepared = ::planus::Offset<Item>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Item> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<i8, i8>,
            T1: ::planus::WriteAsDefault<u8, u8>,
            T2: ::planus::WriteAs<::planus::Offset<str>>,
        > ::planus::WriteAsOptional<::planus::Offset<Item>> for ItemBuilder<(T0, T1, T2)>
    {
        type Prepared = ::planus::Offset<Item>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Item>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<i8, i8>,
            T1: ::planus::WriteAsDefault<u8, u8>,
            T2: ::planus::WriteAs<::planus::Offset<str>>,
        > ::planus::WriteAsOffset<Item> for ItemBuilder<(T0, T1, T2)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Item> {
            let (v0, v1, v2) = &self.0;
            Item::create(builder, v0, v1, v2)
        }
    }

    /// Reference to a deserialized [Item].
    #[derive(Copy, Clone)]
    pub struct ItemRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> ItemRef<'a> {
        /// Getter for the [`count` field](Item#structfield.count).
        #[inline]
        pub fn count(&self) -> ::planus::Result<i8> {
            ::core::result::Result::Ok(self.0.access(0, "Item", "count")?.unwrap_or(0))
        }

        /// Getter for the [`slot` field](Item#structfield.slot).
        #[inline]
        pub fn slot(&self) -> ::planus::Result<u8> {
            ::core::result::Result::Ok(self.0.access(1, "Item", "slot")?.unwrap_or(0))
        }

        /// Getter for the [`id` field](Item#structfield.id).
        #[inline]
        pub fn id(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(2, "Item", "id")
        }
    }

    impl<'a> ::core::fmt::Debug for ItemRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("ItemRef");
            f.field("count", &self.count());
            f.field("slot", &self.slot());
            f.field("id", &self.id());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<ItemRef<'a>> for Item {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: ItemRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                count: ::core::convert::TryInto::try_into(value.count()?)?,
                slot: ::core::convert::TryInto::try_into(value.slot()?)?,
                id: ::core::convert::Into::into(value.id()?),
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for ItemRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for ItemRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[ItemRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Item>> for Item {
        type Value = ::planus::Offset<Item>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Item>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for ItemRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[ItemRef]", "read_as_root", 0))
        }
    }

    /// The struct `Abilities`
    ///
    /// Generated from these locations:
    /// * Struct `Abilities` in the file `minecraft_savedata.fbs:16`
    #[derive(
        Copy, Clone, Debug, PartialEq, PartialOrd, Default, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Abilities {
        /// The field `walk_speed` in the struct `Abilities`
        pub walk_speed: f32,

        /// The field `fly_speed` in the struct `Abilities`
        pub fly_speed: f32,

        /// The field `may_fly` in the struct `Abilities`
        pub may_fly: bool,

        /// The field `flying` in the struct `Abilities`
        pub flying: bool,

        /// The field `invulnerable` in the struct `Abilities`
        pub invulnerable: bool,

        /// The field `may_build` in the struct `Abilities`
        pub may_build: bool,

        /// The field `instabuild` in the struct `Abilities`
        pub instabuild: bool,
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for Abilities {
        const ALIGNMENT: usize = 4;
        const SIZE: usize = 16;
    }

    #[allow(clippy::identity_op)]
    impl ::planus::WriteAsPrimitive<Abilities> for Abilities {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            let (cur, cursor) = cursor.split::<4, 12>();
            self.walk_speed.write(cur, buffer_position - 0);
            let (cur, cursor) = cursor.split::<4, 8>();
            self.fly_speed.write(cur, buffer_position - 4);
            let (cur, cursor) = cursor.split::<1, 7>();
            self.may_fly.write(cur, buffer_position - 8);
            let (cur, cursor) = cursor.split::<1, 6>();
            self.flying.write(cur, buffer_position - 9);
            let (cur, cursor) = cursor.split::<1, 5>();
            self.invulnerable.write(cur, buffer_position - 10);
            let (cur, cursor) = cursor.split::<1, 4>();
            self.may_build.write(cur, buffer_position - 11);
            let (cur, cursor) = cursor.split::<1, 3>();
            self.instabuild.write(cur, buffer_position - 12);
            let cursor = cursor.write::<3, 0>([0; 3]);
            cursor.finish([]);
        }
    }

    impl ::planus::WriteAsOffset<Abilities> for Abilities {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Abilities> {
            unsafe {
                builder.write_with(16, 3, |buffer_position, bytes| {
                    let bytes = bytes.as_mut_ptr();

                    ::planus::WriteAsPrimitive::write(
                        self,
                        ::planus::Cursor::new(
                            &mut *(bytes as *mut [::core::mem::MaybeUninit<u8>; 16]),
                        ),
                        buffer_position,
                    );
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<Abilities> for Abilities {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }
    }

    impl ::planus::WriteAsOptional<Abilities> for Abilities {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(*self)
        }
    }

    /// Reference to a deserialized [Abilities].
    #[derive(Copy, Clone)]
    pub struct AbilitiesRef<'a>(::planus::ArrayWithStartOffset<'a, 16>);

    impl<'a> AbilitiesRef<'a> {
        /// Getter for the [`walk_speed` field](Abilities#structfield.walk_speed).
        pub fn walk_speed(&self) -> f32 {
            let buffer = self.0.advance_as_array::<4>(0).unwrap();

            f32::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`fly_speed` field](Abilities#structfield.fly_speed).
        pub fn fly_speed(&self) -> f32 {
            let buffer = self.0.advance_as_array::<4>(4).unwrap();

            f32::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`may_fly` field](Abilities#structfield.may_fly).
        pub fn may_fly(&self) -> bool {
            let buffer = self.0.advance_as_array::<1>(8).unwrap();

            buffer.as_array()[0] != 0
        }

        /// Getter for the [`flying` field](Abilities#structfield.flying).
        pub fn flying(&self) -> bool {
            let buffer = self.0.advance_as_array::<1>(9).unwrap();

            buffer.as_array()[0] != 0
        }

        /// Getter for the [`invulnerable` field](Abilities#structfield.invulnerable).
        pub fn invulnerable(&self) -> bool {
            let buffer = self.0.advance_as_array::<1>(10).unwrap();

            buffer.as_array()[0] != 0
        }

        /// Getter for the [`may_build` field](Abilities#structfield.may_build).
        pub fn may_build(&self) -> bool {
            let buffer = self.0.advance_as_array::<1>(11).unwrap();

            buffer.as_array()[0] != 0
        }

        /// Getter for the [`instabuild` field](Abilities#structfield.instabuild).
        pub fn instabuild(&self) -> bool {
            let buffer = self.0.advance_as_array::<1>(12).unwrap();

            buffer.as_array()[0] != 0
        }
    }

    impl<'a> ::core::fmt::Debug for AbilitiesRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("AbilitiesRef");
            f.field("walk_speed", &self.walk_speed());
            f.field("fly_speed", &self.fly_speed());
            f.field("may_fly", &self.may_fly());
            f.field("flying", &self.flying());
            f.field("invulnerable", &self.invulnerable());
            f.field("may_build", &self.may_build());
            f.field("instabuild", &self.instabuild());
            f.finish()
        }
    }

    impl<'a> ::core::convert::From<::planus::ArrayWithStartOffset<'a, 16>> for AbilitiesRef<'a> {
        fn from(array: ::planus::ArrayWithStartOffset<'a, 16>) -> Self {
            Self(array)
        }
    }

    impl<'a> ::core::convert::From<AbilitiesRef<'a>> for Abilities {
        #[allow(unreachable_code)]
        fn from(value: AbilitiesRef<'a>) -> Self {
            Self {
                walk_speed: value.walk_speed(),
                fly_speed: value.fly_speed(),
                may_fly: value.may_fly(),
                flying: value.flying(),
                invulnerable: value.invulnerable(),
                may_build: value.may_build(),
                instabuild: value.instabuild(),
            }
        }
    }

    impl<'a, 'b> ::core::cmp::PartialEq<AbilitiesRef<'a>> for AbilitiesRef<'b> {
        fn eq(&self, other: &AbilitiesRef<'_>) -> bool {
            self.walk_speed() == other.walk_speed()
                && self.fly_speed() == other.fly_speed()
                && self.may_fly() == other.may_fly()
                && self.flying() == other.flying()
                && self.invulnerable() == other.invulnerable()
                && self.may_build() == other.may_build()
                && self.instabuild() == other.instabuild()
        }
    }

    impl<'a, 'b> ::core::cmp::PartialOrd<AbilitiesRef<'a>> for AbilitiesRef<'b> {
        fn partial_cmp(
            &self,
            other: &AbilitiesRef<'_>,
        ) -> ::core::option::Option<::core::cmp::Ordering> {
            match self.walk_speed().partial_cmp(&other.walk_speed()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            match self.fly_speed().partial_cmp(&other.fly_speed()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            match self.may_fly().partial_cmp(&other.may_fly()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            match self.flying().partial_cmp(&other.flying()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            match self.invulnerable().partial_cmp(&other.invulnerable()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            match self.may_build().partial_cmp(&other.may_build()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            self.instabuild().partial_cmp(&other.instabuild())
        }
    }

    impl<'a> ::planus::TableRead<'a> for AbilitiesRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let buffer = buffer.advance_as_array::<16>(offset)?;
            ::core::result::Result::Ok(Self(buffer))
        }
    }

    impl<'a> ::planus::VectorRead<'a> for AbilitiesRef<'a> {
        const STRIDE: usize = 16;

        #[inline]
        unsafe fn from_buffer(buffer: ::planus::SliceWithStartOffset<'a>, offset: usize) -> Self {
            Self(unsafe { buffer.unchecked_advance_as_array(offset) })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<Abilities> for Abilities {
        const STRIDE: usize = 16;

        type Value = Abilities;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self::Value {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[Abilities],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 16];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (16 * i) as u32,
                );
            }
        }
    }

    /// The struct `Vector3d`
    ///
    /// Generated from these locations:
    /// * Struct `Vector3d` in the file `minecraft_savedata.fbs:26`
    #[derive(
        Copy, Clone, Debug, PartialEq, PartialOrd, Default, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Vector3d {
        /// The field `x` in the struct `Vector3d`
        pub x: f64,

        /// The field `y` in the struct `Vector3d`
        pub y: f64,

        /// The field `z` in the struct `Vector3d`
        pub z: f64,
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for Vector3d {
        const ALIGNMENT: usize = 8;
        const SIZE: usize = 24;
    }

    #[allow(clippy::identity_op)]
    impl ::planus::WriteAsPrimitive<Vector3d> for Vector3d {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            let (cur, cursor) = cursor.split::<8, 16>();
            self.x.write(cur, buffer_position - 0);
            let (cur, cursor) = cursor.split::<8, 8>();
            self.y.write(cur, buffer_position - 8);
            let (cur, cursor) = cursor.split::<8, 0>();
            self.z.write(cur, buffer_position - 16);
            cursor.finish([]);
        }
    }

    impl ::planus::WriteAsOffset<Vector3d> for Vector3d {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Vector3d> {
            unsafe {
                builder.write_with(24, 7, |buffer_position, bytes| {
                    let bytes = bytes.as_mut_ptr();

                    ::planus::WriteAsPrimitive::write(
                        self,
                        ::planus::Cursor::new(
                            &mut *(bytes as *mut [::core::mem::MaybeUninit<u8>; 24]),
                        ),
                        buffer_position,
                    );
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<Vector3d> for Vector3d {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }
    }

    impl ::planus::WriteAsOptional<Vector3d> for Vector3d {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(*self)
        }
    }

    /// Reference to a deserialized [Vector3d].
    #[derive(Copy, Clone)]
    pub struct Vector3dRef<'a>(::planus::ArrayWithStartOffset<'a, 24>);

    impl<'a> Vector3dRef<'a> {
        /// Getter for the [`x` field](Vector3d#structfield.x).
        pub fn x(&self) -> f64 {
            let buffer = self.0.advance_as_array::<8>(0).unwrap();

            f64::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`y` field](Vector3d#structfield.y).
        pub fn y(&self) -> f64 {
            let buffer = self.0.advance_as_array::<8>(8).unwrap();

            f64::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`z` field](Vector3d#structfield.z).
        pub fn z(&self) -> f64 {
            let buffer = self.0.advance_as_array::<8>(16).unwrap();

            f64::from_le_bytes(*buffer.as_array())
        }
    }

    impl<'a> ::core::fmt::Debug for Vector3dRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("Vector3dRef");
            f.field("x", &self.x());
            f.field("y", &self.y());
            f.field("z", &self.z());
            f.finish()
        }
    }

    impl<'a> ::core::convert::From<::planus::ArrayWithStartOffset<'a, 24>> for Vector3dRef<'a> {
        fn from(array: ::planus::ArrayWithStartOffset<'a, 24>) -> Self {
            Self(array)
        }
    }

    impl<'a> ::core::convert::From<Vector3dRef<'a>> for Vector3d {
        #[allow(unreachable_code)]
        fn from(value: Vector3dRef<'a>) -> Self {
            Self {
                x: value.x(),
                y: value.y(),
                z: value.z(),
            }
        }
    }

    impl<'a, 'b> ::core::cmp::PartialEq<Vector3dRef<'a>> for Vector3dRef<'b> {
        fn eq(&self, other: &Vector3dRef<'_>) -> bool {
            self.x() == other.x() && self.y() == other.y() && self.z() == other.z()
        }
    }

    impl<'a, 'b> ::core::cmp::PartialOrd<Vector3dRef<'a>> for Vector3dRef<'b> {
        fn partial_cmp(
            &self,
            other: &Vector3dRef<'_>,
        ) -> ::core::option::Option<::core::cmp::Ordering> {
            match self.x().partial_cmp(&other.x()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            match self.y().partial_cmp(&other.y()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            self.z().partial_cmp(&other.z())
        }
    }

    impl<'a> ::planus::TableRead<'a> for Vector3dRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let buffer = buffer.advance_as_array::<24>(offset)?;
            ::core::result::Result::Ok(Self(buffer))
        }
    }

    impl<'a> ::planus::VectorRead<'a> for Vector3dRef<'a> {
        const STRIDE: usize = 24;

        #[inline]
        unsafe fn from_buffer(buffer: ::planus::SliceWithStartOffset<'a>, offset: usize) -> Self {
            Self(unsafe { buffer.unchecked_advance_as_array(offset) })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<Vector3d> for Vector3d {
        const STRIDE: usize = 24;

        type Value = Vector3d;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self::Value {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[Vector3d],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 24];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (24 * i) as u32,
                );
            }
        }
    }

    /// The struct `Uuid`
    ///
    /// Generated from these locations:
    /// * Struct `Uuid` in the file `minecraft_savedata.fbs:32`
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
    pub struct Uuid {
        /// The field `parts_0` in the struct `Uuid`
        pub parts_0: u32,

        /// The field `parts_1` in the struct `Uuid`
        pub parts_1: u32,

        /// The field `parts_2` in the struct `Uuid`
        pub parts_2: u32,

        /// The field `parts_3` in the struct `Uuid`
        pub parts_3: u32,
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for Uuid {
        const ALIGNMENT: usize = 4;
        const SIZE: usize = 16;
    }

    #[allow(clippy::identity_op)]
    impl ::planus::WriteAsPrimitive<Uuid> for Uuid {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            let (cur, cursor) = cursor.split::<4, 12>();
            self.parts_0.write(cur, buffer_position - 0);
            let (cur, cursor) = cursor.split::<4, 8>();
            self.parts_1.write(cur, buffer_position - 4);
            let (cur, cursor) = cursor.split::<4, 4>();
            self.parts_2.write(cur, buffer_position - 8);
            let (cur, cursor) = cursor.split::<4, 0>();
            self.parts_3.write(cur, buffer_position - 12);
            cursor.finish([]);
        }
    }

    impl ::planus::WriteAsOffset<Uuid> for Uuid {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Uuid> {
            unsafe {
                builder.write_with(16, 3, |buffer_position, bytes| {
                    let bytes = bytes.as_mut_ptr();

                    ::planus::WriteAsPrimitive::write(
                        self,
                        ::planus::Cursor::new(
                            &mut *(bytes as *mut [::core::mem::MaybeUninit<u8>; 16]),
                        ),
                        buffer_position,
                    );
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<Uuid> for Uuid {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }
    }

    impl ::planus::WriteAsOptional<Uuid> for Uuid {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(*self)
        }
    }

    /// Reference to a deserialized [Uuid].
    #[derive(Copy, Clone)]
    pub struct UuidRef<'a>(::planus::ArrayWithStartOffset<'a, 16>);

    impl<'a> UuidRef<'a> {
        /// Getter for the [`parts_0` field](Uuid#structfield.parts_0).
        pub fn parts_0(&self) -> u32 {
            let buffer = self.0.advance_as_array::<4>(0).unwrap();

            u32::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`parts_1` field](Uuid#structfield.parts_1).
        pub fn parts_1(&self) -> u32 {
            let buffer = self.0.advance_as_array::<4>(4).unwrap();

            u32::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`parts_2` field](Uuid#structfield.parts_2).
        pub fn parts_2(&self) -> u32 {
            let buffer = self.0.advance_as_array::<4>(8).unwrap();

            u32::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`parts_3` field](Uuid#structfield.parts_3).
        pub fn parts_3(&self) -> u32 {
            let buffer = self.0.advance_as_array::<4>(12).unwrap();

            u32::from_le_bytes(*buffer.as_array())
        }
    }

    impl<'a> ::core::fmt::Debug for UuidRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("UuidRef");
            f.field("parts_0", &self.parts_0());
            f.field("parts_1", &self.parts_1());
            f.field("parts_2", &self.parts_2());
            f.field("parts_3", &self.parts_3());
            f.finish()
        }
    }

    impl<'a> ::core::convert::From<::planus::ArrayWithStartOffset<'a, 16>> for UuidRef<'a> {
        fn from(array: ::planus::ArrayWithStartOffset<'a, 16>) -> Self {
            Self(array)
        }
    }

    impl<'a> ::core::convert::From<UuidRef<'a>> for Uuid {
        #[allow(unreachable_code)]
        fn from(value: UuidRef<'a>) -> Self {
            Self {
                parts_0: value.parts_0(),
                parts_1: value.parts_1(),
                parts_2: value.parts_2(),
                parts_3: value.parts_3(),
            }
        }
    }

    impl<'a, 'b> ::core::cmp::PartialEq<UuidRef<'a>> for UuidRef<'b> {
        fn eq(&self, other: &UuidRef<'_>) -> bool {
            self.parts_0() == other.parts_0()
                && self.parts_1() == other.parts_1()
                && self.parts_2() == other.parts_2()
                && self.parts_3() == other.parts_3()
        }
    }

    impl<'a> ::core::cmp::Eq for UuidRef<'a> {}
    impl<'a, 'b> ::core::cmp::PartialOrd<UuidRef<'a>> for UuidRef<'b> {
        fn partial_cmp(
            &self,
            other: &UuidRef<'_>,
        ) -> ::core::option::Option<::core::cmp::Ordering> {
            ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
        }
    }

    impl<'a> ::core::cmp::Ord for UuidRef<'a> {
        fn cmp(&self, other: &UuidRef<'_>) -> ::core::cmp::Ordering {
            self.parts_0()
                .cmp(&other.parts_0())
                .then_with(|| self.parts_1().cmp(&other.parts_1()))
                .then_with(|| self.parts_2().cmp(&other.parts_2()))
                .then_with(|| self.parts_3().cmp(&other.parts_3()))
        }
    }

    impl<'a> ::core::hash::Hash for UuidRef<'a> {
        fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
            self.parts_0().hash(state);
            self.parts_1().hash(state);
            self.parts_2().hash(state);
            self.parts_3().hash(state);
        }
    }

    impl<'a> ::planus::TableRead<'a> for UuidRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let buffer = buffer.advance_as_array::<16>(offset)?;
            ::core::result::Result::Ok(Self(buffer))
        }
    }

    impl<'a> ::planus::VectorRead<'a> for UuidRef<'a> {
        const STRIDE: usize = 16;

        #[inline]
        unsafe fn from_buffer(buffer: ::planus::SliceWithStartOffset<'a>, offset: usize) -> Self {
            Self(unsafe { buffer.unchecked_advance_as_array(offset) })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<Uuid> for Uuid {
        const STRIDE: usize = 16;

        type Value = Uuid;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self::Value {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[Uuid],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 16];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (16 * i) as u32,
                );
            }
        }
    }

    /// The struct `Vector2f`
    ///
    /// Generated from these locations:
    /// * Struct `Vector2f` in the file `minecraft_savedata.fbs:39`
    #[derive(
        Copy, Clone, Debug, PartialEq, PartialOrd, Default, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Vector2f {
        /// The field `x` in the struct `Vector2f`
        pub x: f32,

        /// The field `y` in the struct `Vector2f`
        pub y: f32,
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for Vector2f {
        const ALIGNMENT: usize = 4;
        const SIZE: usize = 8;
    }

    #[allow(clippy::identity_op)]
    impl ::planus::WriteAsPrimitive<Vector2f> for Vector2f {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            let (cur, cursor) = cursor.split::<4, 4>();
            self.x.write(cur, buffer_position - 0);
            let (cur, cursor) = cursor.split::<4, 0>();
            self.y.write(cur, buffer_position - 4);
            cursor.finish([]);
        }
    }

    impl ::planus::WriteAsOffset<Vector2f> for Vector2f {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Vector2f> {
            unsafe {
                builder.write_with(8, 3, |buffer_position, bytes| {
                    let bytes = bytes.as_mut_ptr();

                    ::planus::WriteAsPrimitive::write(
                        self,
                        ::planus::Cursor::new(
                            &mut *(bytes as *mut [::core::mem::MaybeUninit<u8>; 8]),
                        ),
                        buffer_position,
                    );
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<Vector2f> for Vector2f {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }
    }

    impl ::planus::WriteAsOptional<Vector2f> for Vector2f {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(*self)
        }
    }

    /// Reference to a deserialized [Vector2f].
    #[derive(Copy, Clone)]
    pub struct Vector2fRef<'a>(::planus::ArrayWithStartOffset<'a, 8>);

    impl<'a> Vector2fRef<'a> {
        /// Getter for the [`x` field](Vector2f#structfield.x).
        pub fn x(&self) -> f32 {
            let buffer = self.0.advance_as_array::<4>(0).unwrap();

            f32::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`y` field](Vector2f#structfield.y).
        pub fn y(&self) -> f32 {
            let buffer = self.0.advance_as_array::<4>(4).unwrap();

            f32::from_le_bytes(*buffer.as_array())
        }
    }

    impl<'a> ::core::fmt::Debug for Vector2fRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("Vector2fRef");
            f.field("x", &self.x());
            f.field("y", &self.y());
            f.finish()
        }
    }

    impl<'a> ::core::convert::From<::planus::ArrayWithStartOffset<'a, 8>> for Vector2fRef<'a> {
        fn from(array: ::planus::ArrayWithStartOffset<'a, 8>) -> Self {
            Self(array)
        }
    }

    impl<'a> ::core::convert::From<Vector2fRef<'a>> for Vector2f {
        #[allow(unreachable_code)]
        fn from(value: Vector2fRef<'a>) -> Self {
            Self {
                x: value.x(),
                y: value.y(),
            }
        }
    }

    impl<'a, 'b> ::core::cmp::PartialEq<Vector2fRef<'a>> for Vector2fRef<'b> {
        fn eq(&self, other: &Vector2fRef<'_>) -> bool {
            self.x() == other.x() && self.y() == other.y()
        }
    }

    impl<'a, 'b> ::core::cmp::PartialOrd<Vector2fRef<'a>> for Vector2fRef<'b> {
        fn partial_cmp(
            &self,
            other: &Vector2fRef<'_>,
        ) -> ::core::option::Option<::core::cmp::Ordering> {
            match self.x().partial_cmp(&other.x()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            self.y().partial_cmp(&other.y())
        }
    }

    impl<'a> ::planus::TableRead<'a> for Vector2fRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let buffer = buffer.advance_as_array::<8>(offset)?;
            ::core::result::Result::Ok(Self(buffer))
        }
    }

    impl<'a> ::planus::VectorRead<'a> for Vector2fRef<'a> {
        const STRIDE: usize = 8;

        #[inline]
        unsafe fn from_buffer(buffer: ::planus::SliceWithStartOffset<'a>, offset: usize) -> Self {
            Self(unsafe { buffer.unchecked_advance_as_array(offset) })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<Vector2f> for Vector2f {
        const STRIDE: usize = 8;

        type Value = Vector2f;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self::Value {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[Vector2f],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 8];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (8 * i) as u32,
                );
            }
        }
    }

    /// The table `Entity`
    ///
    /// Generated from these locations:
    /// * Table `Entity` in the file `minecraft_savedata.fbs:44`
    #[derive(Clone, Debug, PartialEq, PartialOrd, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Entity {
        /// The field `id` in the table `Entity`
        pub id: ::planus::alloc::string::String,
        /// The field `pos` in the table `Entity`
        pub pos: self::Vector3d,
        /// The field `motion` in the table `Entity`
        pub motion: self::Vector3d,
        /// The field `rotation` in the table `Entity`
        pub rotation: self::Vector2f,
        /// The field `fall_distance` in the table `Entity`
        pub fall_distance: f32,
        /// The field `fire` in the table `Entity`
        pub fire: u16,
        /// The field `air` in the table `Entity`
        pub air: u16,
        /// The field `on_ground` in the table `Entity`
        pub on_ground: bool,
        /// The field `no_gravity` in the table `Entity`
        pub no_gravity: bool,
        /// The field `invulnerable` in the table `Entity`
        pub invulnerable: bool,
        /// The field `portal_cooldown` in the table `Entity`
        pub portal_cooldown: i32,
        /// The field `uuid` in the table `Entity`
        pub uuid: self::Uuid,
        /// The field `custom_name` in the table `Entity`
        pub custom_name: ::core::option::Option<::planus::alloc::string::String>,
        /// The field `custom_name_visible` in the table `Entity`
        pub custom_name_visible: bool,
        /// The field `silent` in the table `Entity`
        pub silent: bool,
        /// The field `glowing` in the table `Entity`
        pub glowing: bool,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Entity {
        fn default() -> Self {
            Self {
                id: ::core::default::Default::default(),
                pos: ::core::default::Default::default(),
                motion: ::core::default::Default::default(),
                rotation: ::core::default::Default::default(),
                fall_distance: 0.0,
                fire: 0,
                air: 0,
                on_ground: false,
                no_gravity: false,
                invulnerable: false,
                portal_cooldown: 0,
                uuid: ::core::default::Default::default(),
                custom_name: ::core::default::Default::default(),
                custom_name_visible: false,
                silent: false,
                glowing: false,
            }
        }
    }

    impl Entity {
        /// Creates a [EntityBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> EntityBuilder<()> {
            EntityBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_id: impl ::planus::WriteAs<::planus::Offset<str>>,
            field_pos: impl ::planus::WriteAs<self::Vector3d>,
            field_motion: impl ::planus::WriteAs<self::Vector3d>,
            field_rotation: impl ::planus::WriteAs<self::Vector2f>,
            field_fall_distance: impl ::planus::WriteAsDefault<f32, f32>,
            field_fire: impl ::planus::WriteAsDefault<u16, u16>,
            field_air: impl ::planus::WriteAsDefault<u16, u16>,
            field_on_ground: impl ::planus::WriteAsDefault<bool, bool>,
            field_no_gravity: impl ::planus::WriteAsDefault<bool, bool>,
            field_invulnerable: impl ::planus::WriteAsDefault<bool, bool>,
            field_portal_cooldown: impl ::planus::WriteAsDefault<i32, i32>,
            field_uuid: impl ::planus::WriteAs<self::Uuid>,
            field_custom_name: impl ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            field_custom_name_visible: impl ::planus::WriteAsDefault<bool, bool>,
            field_silent: impl ::planus::WriteAsDefault<bool, bool>,
            field_glowing: impl ::planus::WriteAsDefault<bool, bool>,
        ) -> ::planus::Offset<Self> {
            let prepared_id = field_id.prepare(builder);
            let prepared_pos = field_pos.prepare(builder);
            let prepared_motion = field_motion.prepare(builder);
            let prepared_rotation = field_rotation.prepare(builder);
            let prepared_fall_distance = field_fall_distance.prepare(builder, &0.0);
            let prepared_fire = field_fire.prepare(builder, &0);
            let prepared_air = field_air.prepare(builder, &0);
            let prepared_on_ground = field_on_ground.prepare(builder, &false);
            let prepared_no_gravity = field_no_gravity.prepare(builder, &false);
            let prepared_invulnerable = field_invulnerable.prepare(builder, &false);
            let prepared_portal_cooldown = field_portal_cooldown.prepare(builder, &0);
            let prepared_uuid = field_uuid.prepare(builder);
            let prepared_custom_name = field_custom_name.prepare(builder);
            let prepared_custom_name_visible = field_custom_name_visible.prepare(builder, &false);
            let prepared_silent = field_silent.prepare(builder, &false);
            let prepared_glowing = field_glowing.prepare(builder, &false);

            let mut table_writer: ::planus::table_writer::TableWriter<36> =
                ::core::default::Default::default();
            table_writer.write_entry::<self::Vector3d>(1);
            table_writer.write_entry::<self::Vector3d>(2);
            table_writer.write_entry::<::planus::Offset<str>>(0);
            table_writer.write_entry::<self::Vector2f>(3);
            if prepared_fall_distance.is_some() {
                table_writer.write_entry::<f32>(4);
            }
            if prepared_portal_cooldown.is_some() {
                table_writer.write_entry::<i32>(10);
            }
            table_writer.write_entry::<self::Uuid>(11);
            if prepared_custom_name.is_some() {
                table_writer.write_entry::<::planus::Offset<str>>(12);
            }
            if prepared_fire.is_some() {
                table_writer.write_entry::<u16>(5);
            }
            if prepared_air.is_some() {
                table_writer.write_entry::<u16>(6);
            }
            if prepared_on_ground.is_some() {
                table_writer.write_entry::<bool>(7);
            }
            if prepared_no_gravity.is_some() {
                table_writer.write_entry::<bool>(8);
            }
            if prepared_invulnerable.is_some() {
                table_writer.write_entry::<bool>(9);
            }
            if prepared_custom_name_visible.is_some() {
                table_writer.write_entry::<bool>(13);
            }
            if prepared_silent.is_some() {
                table_writer.write_entry::<bool>(14);
            }
            if prepared_glowing.is_some() {
                table_writer.write_entry::<bool>(15);
            }

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    object_writer.write::<_, _, 24>(&prepared_pos);
                    object_writer.write::<_, _, 24>(&prepared_motion);
                    object_writer.write::<_, _, 4>(&prepared_id);
                    object_writer.write::<_, _, 8>(&prepared_rotation);
                    if let ::core::option::Option::Some(prepared_fall_distance) =
                        prepared_fall_distance
                    {
                        object_writer.write::<_, _, 4>(&prepared_fall_distance);
                    }
                    if let ::core::option::Option::Some(prepared_portal_cooldown) =
                        prepared_portal_cooldown
                    {
                        object_writer.write::<_, _, 4>(&prepared_portal_cooldown);
                    }
                    object_writer.write::<_, _, 16>(&prepared_uuid);
                    if let ::core::option::Option::Some(prepared_custom_name) = prepared_custom_name
                    {
                        object_writer.write::<_, _, 4>(&prepared_custom_name);
                    }
                    if let ::core::option::Option::Some(prepared_fire) = prepared_fire {
                        object_writer.write::<_, _, 2>(&prepared_fire);
                    }
                    if let ::core::option::Option::Some(prepared_air) = prepared_air {
                        object_writer.write::<_, _, 2>(&prepared_air);
                    }
                    if let ::core::option::Option::Some(prepared_on_ground) = prepared_on_ground {
                        object_writer.write::<_, _, 1>(&prepared_on_ground);
                    }
                    if let ::core::option::Option::Some(prepared_no_gravity) = prepared_no_gravity {
                        object_writer.write::<_, _, 1>(&prepared_no_gravity);
                    }
                    if let ::core::option::Option::Some(prepared_invulnerable) =
                        prepared_invulnerable
                    {
                        object_writer.write::<_, _, 1>(&prepared_invulnerable);
                    }
                    if let ::core::option::Option::Some(prepared_custom_name_visible) =
                        prepared_custom_name_visible
                    {
                        object_writer.write::<_, _, 1>(&prepared_custom_name_visible);
                    }
                    if let ::core::option::Option::Some(prepared_silent) = prepared_silent {
                        object_writer.write::<_, _, 1>(&prepared_silent);
                    }
                    if let ::core::option::Option::Some(prepared_glowing) = prepared_glowing {
                        object_writer.write::<_, _, 1>(&prepared_glowing);
                    }
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Entity>> for Entity {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Entity> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Entity>> for Entity {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Entity>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Entity> for Entity {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Entity> {
            Entity::create(
                builder,
                &self.id,
                self.pos,
                self.motion,
                self.rotation,
                self.fall_distance,
                self.fire,
                self.air,
                self.on_ground,
                self.no_gravity,
                self.invulnerable,
                self.portal_cooldown,
                self.uuid,
                &self.custom_name,
                self.custom_name_visible,
                self.silent,
                self.glowing,
            )
        }
    }

    /// Builder for serializing an instance of the [Entity] type.
    ///
    /// Can be created using the [Entity::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct EntityBuilder<State>(State);

    impl EntityBuilder<()> {
        /// Setter for the [`id` field](Entity#structfield.id).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn id<T0>(self, value: T0) -> EntityBuilder<(T0,)>
        where
            T0: ::planus::WriteAs<::planus::Offset<str>>,
        {
            EntityBuilder((value,))
        }
    }

    impl<T0> EntityBuilder<(T0,)> {
        /// Setter for the [`pos` field](Entity#structfield.pos).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn pos<T1>(self, value: T1) -> EntityBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAs<self::Vector3d>,
        {
            let (v0,) = self.0;
            EntityBuilder((v0, value))
        }
    }

    impl<T0, T1> EntityBuilder<(T0, T1)> {
        /// Setter for the [`motion` field](Entity#structfield.motion).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn motion<T2>(self, value: T2) -> EntityBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAs<self::Vector3d>,
        {
            let (v0, v1) = self.0;
            EntityBuilder((v0, v1, value))
        }
    }

    impl<T0, T1, T2> EntityBuilder<(T0, T1, T2)> {
        /// Setter for the [`rotation` field](Entity#structfield.rotation).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn rotation<T3>(self, value: T3) -> EntityBuilder<(T0, T1, T2, T3)>
        where
            T3: ::planus::WriteAs<self::Vector2f>,
        {
            let (v0, v1, v2) = self.0;
            EntityBuilder((v0, v1, v2, value))
        }
    }

    impl<T0, T1, T2, T3> EntityBuilder<(T0, T1, T2, T3)> {
        /// Setter for the [`fall_distance` field](Entity#structfield.fall_distance).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn fall_distance<T4>(self, value: T4) -> EntityBuilder<(T0, T1, T2, T3, T4)>
        where
            T4: ::planus::WriteAsDefault<f32, f32>,
        {
            let (v0, v1, v2, v3) = self.0;
            EntityBuilder((v0, v1, v2, v3, value))
        }

        /// Sets the [`fall_distance` field](Entity#structfield.fall_distance) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn fall_distance_as_default(
            self,
        ) -> EntityBuilder<(T0, T1, T2, T3, ::planus::DefaultValue)> {
            self.fall_distance(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4> EntityBuilder<(T0, T1, T2, T3, T4)> {
        /// Setter for the [`fire` field](Entity#structfield.fire).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn fire<T5>(self, value: T5) -> EntityBuilder<(T0, T1, T2, T3, T4, T5)>
        where
            T5: ::planus::WriteAsDefault<u16, u16>,
        {
            let (v0, v1, v2, v3, v4) = self.0;
            EntityBuilder((v0, v1, v2, v3, v4, value))
        }

        /// Sets the [`fire` field](Entity#structfield.fire) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn fire_as_default(
            self,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, ::planus::DefaultValue)> {
            self.fire(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5> EntityBuilder<(T0, T1, T2, T3, T4, T5)> {
        /// Setter for the [`air` field](Entity#structfield.air).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn air<T6>(self, value: T6) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6)>
        where
            T6: ::planus::WriteAsDefault<u16, u16>,
        {
            let (v0, v1, v2, v3, v4, v5) = self.0;
            EntityBuilder((v0, v1, v2, v3, v4, v5, value))
        }

        /// Sets the [`air` field](Entity#structfield.air) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn air_as_default(
            self,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, ::planus::DefaultValue)> {
            self.air(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6)> {
        /// Setter for the [`on_ground` field](Entity#structfield.on_ground).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn on_ground<T7>(self, value: T7) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)>
        where
            T7: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4, v5, v6) = self.0;
            EntityBuilder((v0, v1, v2, v3, v4, v5, v6, value))
        }

        /// Sets the [`on_ground` field](Entity#structfield.on_ground) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn on_ground_as_default(
            self,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, ::planus::DefaultValue)> {
            self.on_ground(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)> {
        /// Setter for the [`no_gravity` field](Entity#structfield.no_gravity).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn no_gravity<T8>(
            self,
            value: T8,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)>
        where
            T8: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7) = self.0;
            EntityBuilder((v0, v1, v2, v3, v4, v5, v6, v7, value))
        }

        /// Sets the [`no_gravity` field](Entity#structfield.no_gravity) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn no_gravity_as_default(
            self,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, ::planus::DefaultValue)> {
            self.no_gravity(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)> {
        /// Setter for the [`invulnerable` field](Entity#structfield.invulnerable).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn invulnerable<T9>(
            self,
            value: T9,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)>
        where
            T9: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8) = self.0;
            EntityBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, value))
        }

        /// Sets the [`invulnerable` field](Entity#structfield.invulnerable) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn invulnerable_as_default(
            self,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, ::planus::DefaultValue)> {
            self.invulnerable(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9>
        EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)>
    {
        /// Setter for the [`portal_cooldown` field](Entity#structfield.portal_cooldown).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn portal_cooldown<T10>(
            self,
            value: T10,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10)>
        where
            T10: ::planus::WriteAsDefault<i32, i32>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9) = self.0;
            EntityBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, value))
        }

        /// Sets the [`portal_cooldown` field](Entity#structfield.portal_cooldown) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn portal_cooldown_as_default(
            self,
        ) -> EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            ::planus::DefaultValue,
        )> {
            self.portal_cooldown(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>
        EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10)>
    {
        /// Setter for the [`uuid` field](Entity#structfield.uuid).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn uuid<T11>(
            self,
            value: T11,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11)>
        where
            T11: ::planus::WriteAs<self::Uuid>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10) = self.0;
            EntityBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, value))
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11>
        EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11)>
    {
        /// Setter for the [`custom_name` field](Entity#structfield.custom_name).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn custom_name<T12>(
            self,
            value: T12,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12)>
        where
            T12: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11) = self.0;
            EntityBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, value))
        }

        /// Sets the [`custom_name` field](Entity#structfield.custom_name) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn custom_name_as_null(
            self,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, ())> {
            self.custom_name(())
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12>
        EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12)>
    {
        /// Setter for the [`custom_name_visible` field](Entity#structfield.custom_name_visible).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn custom_name_visible<T13>(
            self,
            value: T13,
        ) -> EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13)>
        where
            T13: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12) = self.0;
            EntityBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, value))
        }

        /// Sets the [`custom_name_visible` field](Entity#structfield.custom_name_visible) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn custom_name_visible_as_default(
            self,
        ) -> EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            ::planus::DefaultValue,
        )> {
            self.custom_name_visible(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13>
        EntityBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13)>
    {
        /// Setter for the [`silent` field](Entity#structfield.silent).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn silent<T14>(
            self,
            value: T14,
        ) -> EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
        )>
        where
            T14: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13) = self.0;
            EntityBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, value,
            ))
        }

        /// Sets the [`silent` field](Entity#structfield.silent) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn silent_as_default(
            self,
        ) -> EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            ::planus::DefaultValue,
        )> {
            self.silent(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14>
        EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
        )>
    {
        /// Setter for the [`glowing` field](Entity#structfield.glowing).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn glowing<T15>(
            self,
            value: T15,
        ) -> EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
        )>
        where
            T15: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14) = self.0;
            EntityBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, value,
            ))
        }

        /// Sets the [`glowing` field](Entity#structfield.glowing) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn glowing_as_default(
            self,
        ) -> EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            ::planus::DefaultValue,
        )> {
            self.glowing(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15>
        EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
        )>
    {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Entity].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Entity>
        where
            Self: ::planus::WriteAsOffset<Entity>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<str>>,
            T1: ::planus::WriteAs<self::Vector3d>,
            T2: ::planus::WriteAs<self::Vector3d>,
            T3: ::planus::WriteAs<self::Vector2f>,
            T4: ::planus::WriteAsDefault<f32, f32>,
            T5: ::planus::WriteAsDefault<u16, u16>,
            T6: ::planus::WriteAsDefault<u16, u16>,
            T7: ::planus::WriteAsDefault<bool, bool>,
            T8: ::planus::WriteAsDefault<bool, bool>,
            T9: ::planus::WriteAsDefault<bool, bool>,
            T10: ::planus::WriteAsDefault<i32, i32>,
            T11: ::planus::WriteAs<self::Uuid>,
            T12: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            T13: ::planus::WriteAsDefault<bool, bool>,
            T14: ::planus::WriteAsDefault<bool, bool>,
            T15: ::planus::WriteAsDefault<bool, bool>,
        > ::planus::WriteAs<::planus::Offset<Entity>>
        for EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
        )>
    {
        type Prepared = ::planus::Offset<Entity>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Entity> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<str>>,
            T1: ::planus::WriteAs<self::Vector3d>,
            T2: ::planus::WriteAs<self::Vector3d>,
            T3: ::planus::WriteAs<self::Vector2f>,
            T4: ::planus::WriteAsDefault<f32, f32>,
            T5: ::planus::WriteAsDefault<u16, u16>,
            T6: ::planus::WriteAsDefault<u16, u16>,
            T7: ::planus::WriteAsDefault<bool, bool>,
            T8: ::planus::WriteAsDefault<bool, bool>,
            T9: ::planus::WriteAsDefault<bool, bool>,
            T10: ::planus::WriteAsDefault<i32, i32>,
            T11: ::planus::WriteAs<self::Uuid>,
            T12: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            T13: ::planus::WriteAsDefault<bool, bool>,
            T14: ::planus::WriteAsDefault<bool, bool>,
            T15: ::planus::WriteAsDefault<bool, bool>,
        > ::planus::WriteAsOptional<::planus::Offset<Entity>>
        for EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
        )>
    {
        type Prepared = ::planus::Offset<Entity>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Entity>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<str>>,
            T1: ::planus::WriteAs<self::Vector3d>,
            T2: ::planus::WriteAs<self::Vector3d>,
            T3: ::planus::WriteAs<self::Vector2f>,
            T4: ::planus::WriteAsDefault<f32, f32>,
            T5: ::planus::WriteAsDefault<u16, u16>,
            T6: ::planus::WriteAsDefault<u16, u16>,
            T7: ::planus::WriteAsDefault<bool, bool>,
            T8: ::planus::WriteAsDefault<bool, bool>,
            T9: ::planus::WriteAsDefault<bool, bool>,
            T10: ::planus::WriteAsDefault<i32, i32>,
            T11: ::planus::WriteAs<self::Uuid>,
            T12: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            T13: ::planus::WriteAsDefault<bool, bool>,
            T14: ::planus::WriteAsDefault<bool, bool>,
            T15: ::planus::WriteAsDefault<bool, bool>,
        > ::planus::WriteAsOffset<Entity>
        for EntityBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
        )>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Entity> {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15) = &self.0;
            Entity::create(
                builder, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15,
            )
        }
    }

    /// Reference to a deserialized [Entity].
    #[derive(Copy, Clone)]
    pub struct EntityRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> EntityRef<'a> {
        /// Getter for the [`id` field](Entity#structfield.id).
        #[inline]
        pub fn id(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(0, "Entity", "id")
        }

        /// Getter for the [`pos` field](Entity#structfield.pos).
        #[inline]
        pub fn pos(&self) -> ::planus::Result<self::Vector3dRef<'a>> {
            self.0.access_required(1, "Entity", "pos")
        }

        /// Getter for the [`motion` field](Entity#structfield.motion).
        #[inline]
        pub fn motion(&self) -> ::planus::Result<self::Vector3dRef<'a>> {
            self.0.access_required(2, "Entity", "motion")
        }

        /// Getter for the [`rotation` field](Entity#structfield.rotation).
        #[inline]
        pub fn rotation(&self) -> ::planus::Result<self::Vector2fRef<'a>> {
            self.0.access_required(3, "Entity", "rotation")
        }

        /// Getter for the [`fall_distance` field](Entity#structfield.fall_distance).
        #[inline]
        pub fn fall_distance(&self) -> ::planus::Result<f32> {
            ::core::result::Result::Ok(self.0.access(4, "Entity", "fall_distance")?.unwrap_or(0.0))
        }

        /// Getter for the [`fire` field](Entity#structfield.fire).
        #[inline]
        pub fn fire(&self) -> ::planus::Result<u16> {
            ::core::result::Result::Ok(self.0.access(5, "Entity", "fire")?.unwrap_or(0))
        }

        /// Getter for the [`air` field](Entity#structfield.air).
        #[inline]
        pub fn air(&self) -> ::planus::Result<u16> {
            ::core::result::Result::Ok(self.0.access(6, "Entity", "air")?.unwrap_or(0))
        }

        /// Getter for the [`on_ground` field](Entity#structfield.on_ground).
        #[inline]
        pub fn on_ground(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(self.0.access(7, "Entity", "on_ground")?.unwrap_or(false))
        }

        /// Getter for the [`no_gravity` field](Entity#structfield.no_gravity).
        #[inline]
        pub fn no_gravity(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(self.0.access(8, "Entity", "no_gravity")?.unwrap_or(false))
        }

        /// Getter for the [`invulnerable` field](Entity#structfield.invulnerable).
        #[inline]
        pub fn invulnerable(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(self.0.access(9, "Entity", "invulnerable")?.unwrap_or(false))
        }

        /// Getter for the [`portal_cooldown` field](Entity#structfield.portal_cooldown).
        #[inline]
        pub fn portal_cooldown(&self) -> ::planus::Result<i32> {
            ::core::result::Result::Ok(self.0.access(10, "Entity", "portal_cooldown")?.unwrap_or(0))
        }

        /// Getter for the [`uuid` field](Entity#structfield.uuid).
        #[inline]
        pub fn uuid(&self) -> ::planus::Result<self::UuidRef<'a>> {
            self.0.access_required(11, "Entity", "uuid")
        }

        /// Getter for the [`custom_name` field](Entity#structfield.custom_name).
        #[inline]
        pub fn custom_name(
            &self,
        ) -> ::planus::Result<::core::option::Option<&'a ::core::primitive::str>> {
            self.0.access(12, "Entity", "custom_name")
        }

        /// Getter for the [`custom_name_visible` field](Entity#structfield.custom_name_visible).
        #[inline]
        pub fn custom_name_visible(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(
                self.0
                    .access(13, "Entity", "custom_name_visible")?
                    .unwrap_or(false),
            )
        }

        /// Getter for the [`silent` field](Entity#structfield.silent).
        #[inline]
        pub fn silent(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(self.0.access(14, "Entity", "silent")?.unwrap_or(false))
        }

        /// Getter for the [`glowing` field](Entity#structfield.glowing).
        #[inline]
        pub fn glowing(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(self.0.access(15, "Entity", "glowing")?.unwrap_or(false))
        }
    }

    impl<'a> ::core::fmt::Debug for EntityRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("EntityRef");
            f.field("id", &self.id());
            f.field("pos", &self.pos());
            f.field("motion", &self.motion());
            f.field("rotation", &self.rotation());
            f.field("fall_distance", &self.fall_distance());
            f.field("fire", &self.fire());
            f.field("air", &self.air());
            f.field("on_ground", &self.on_ground());
            f.field("no_gravity", &self.no_gravity());
            f.field("invulnerable", &self.invulnerable());
            f.field("portal_cooldown", &self.portal_cooldown());
            f.field("uuid", &self.uuid());
            if let ::core::option::Option::Some(field_custom_name) = self.custom_name().transpose()
            {
                f.field("custom_name", &field_custom_name);
            }
            f.field("custom_name_visible", &self.custom_name_visible());
            f.field("silent", &self.silent());
            f.field("glowing", &self.glowing());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<EntityRef<'a>> for Entity {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: EntityRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                id: ::core::convert::Into::into(value.id()?),
                pos: ::core::convert::Into::into(value.pos()?),
                motion: ::core::convert::Into::into(value.motion()?),
                rotation: ::core::convert::Into::into(value.rotation()?),
                fall_distance: ::core::convert::TryInto::try_into(value.fall_distance()?)?,
                fire: ::core::convert::TryInto::try_into(value.fire()?)?,
                air: ::core::convert::TryInto::try_into(value.air()?)?,
                on_ground: ::core::convert::TryInto::try_into(value.on_ground()?)?,
                no_gravity: ::core::convert::TryInto::try_into(value.no_gravity()?)?,
                invulnerable: ::core::convert::TryInto::try_into(value.invulnerable()?)?,
                portal_cooldown: ::core::convert::TryInto::try_into(value.portal_cooldown()?)?,
                uuid: ::core::convert::Into::into(value.uuid()?),
                custom_name: value.custom_name()?.map(::core::convert::Into::into),
                custom_name_visible: ::core::convert::TryInto::try_into(
                    value.custom_name_visible()?,
                )?,
                silent: ::core::convert::TryInto::try_into(value.silent()?)?,
                glowing: ::core::convert::TryInto::try_into(value.glowing()?)?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for EntityRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for EntityRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[EntityRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Entity>> for Entity {
        type Value = ::planus::Offset<Entity>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Entity>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for EntityRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[EntityRef]", "read_as_root", 0))
        }
    }

    /// The table `Vehicle`
    ///
    /// Generated from these locations:
    /// * Table `Vehicle` in the file `minecraft_savedata.fbs:63`
    #[derive(Clone, Debug, PartialEq, PartialOrd, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Vehicle {
        /// The field `uuid` in the table `Vehicle`
        pub uuid: self::Uuid,
        /// The field `entity` in the table `Vehicle`
        pub entity: ::planus::alloc::boxed::Box<self::Entity>,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Vehicle {
        fn default() -> Self {
            Self {
                uuid: ::core::default::Default::default(),
                entity: ::core::default::Default::default(),
            }
        }
    }

    impl Vehicle {
        /// Creates a [VehicleBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> VehicleBuilder<()> {
            VehicleBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_uuid: impl ::planus::WriteAs<self::Uuid>,
            field_entity: impl ::planus::WriteAs<::planus::Offset<self::Entity>>,
        ) -> ::planus::Offset<Self> {
            let prepared_uuid = field_uuid.prepare(builder);
            let prepared_entity = field_entity.prepare(builder);

            let mut table_writer: ::planus::table_writer::TableWriter<8> =
                ::core::default::Default::default();
            table_writer.write_entry::<self::Uuid>(0);
            table_writer.write_entry::<::planus::Offset<self::Entity>>(1);

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    object_writer.write::<_, _, 16>(&prepared_uuid);
                    object_writer.write::<_, _, 4>(&prepared_entity);
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Vehicle>> for Vehicle {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Vehicle> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Vehicle>> for Vehicle {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Vehicle>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Vehicle> for Vehicle {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Vehicle> {
            Vehicle::create(builder, self.uuid, &self.entity)
        }
    }

    /// Builder for serializing an instance of the [Vehicle] type.
    ///
    /// Can be created using the [Vehicle::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct VehicleBuilder<State>(State);

    impl VehicleBuilder<()> {
        /// Setter for the [`uuid` field](Vehicle#structfield.uuid).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn uuid<T0>(self, value: T0) -> VehicleBuilder<(T0,)>
        where
            T0: ::planus::WriteAs<self::Uuid>,
        {
            VehicleBuilder((value,))
        }
    }

    impl<T0> VehicleBuilder<(T0,)> {
        /// Setter for the [`entity` field](Vehicle#structfield.entity).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn entity<T1>(self, value: T1) -> VehicleBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAs<::planus::Offset<self::Entity>>,
        {
            let (v0,) = self.0;
            VehicleBuilder((v0, value))
        }
    }

    impl<T0, T1> VehicleBuilder<(T0, T1)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Vehicle].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Vehicle>
        where
            Self: ::planus::WriteAsOffset<Vehicle>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<self::Uuid>,
            T1: ::planus::WriteAs<::planus::Offset<self::Entity>>,
        > ::planus::WriteAs<::planus::Offset<Vehicle>> for VehicleBuilder<(T0, T1)>
    {
        type Prepared = ::planus::Offset<Vehicle>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Vehicle> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<self::Uuid>,
            T1: ::planus::WriteAs<::planus::Offset<self::Entity>>,
        > ::planus::WriteAsOptional<::planus::Offset<Vehicle>> for VehicleBuilder<(T0, T1)>
    {
        type Prepared = ::planus::Offset<Vehicle>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Vehicle>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAs<self::Uuid>,
            T1: ::planus::WriteAs<::planus::Offset<self::Entity>>,
        > ::planus::WriteAsOffset<Vehicle> for VehicleBuilder<(T0, T1)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Vehicle> {
            let (v0, v1) = &self.0;
            Vehicle::create(builder, v0, v1)
        }
    }

    /// Reference to a deserialized [Vehicle].
    #[derive(Copy, Clone)]
    pub struct VehicleRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> VehicleRef<'a> {
        /// Getter for the [`uuid` field](Vehicle#structfield.uuid).
        #[inline]
        pub fn uuid(&self) -> ::planus::Result<self::UuidRef<'a>> {
            self.0.access_required(0, "Vehicle", "uuid")
        }

        /// Getter for the [`entity` field](Vehicle#structfield.entity).
        #[inline]
        pub fn entity(&self) -> ::planus::Result<self::EntityRef<'a>> {
            self.0.access_required(1, "Vehicle", "entity")
        }
    }

    impl<'a> ::core::fmt::Debug for VehicleRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("VehicleRef");
            f.field("uuid", &self.uuid());
            f.field("entity", &self.entity());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<VehicleRef<'a>> for Vehicle {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: VehicleRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                uuid: ::core::convert::Into::into(value.uuid()?),
                entity: ::planus::alloc::boxed::Box::new(::core::convert::TryInto::try_into(
                    value.entity()?,
                )?),
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for VehicleRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for VehicleRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[VehicleRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Vehicle>> for Vehicle {
        type Value = ::planus::Offset<Vehicle>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Vehicle>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for VehicleRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[VehicleRef]", "read_as_root", 0))
        }
    }

    /// The table `RecipeBook`
    ///
    /// Generated from these locations:
    /// * Table `RecipeBook` in the file `minecraft_savedata.fbs:68`
    #[derive(
        Clone, Debug, PartialEq, PartialOrd, Eq, Ord, Hash, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct RecipeBook {
        /// The field `recipes` in the table `RecipeBook`
        pub recipes: ::planus::alloc::vec::Vec<::planus::alloc::string::String>,
        /// The field `to_be_displayed` in the table `RecipeBook`
        pub to_be_displayed: ::planus::alloc::vec::Vec<::planus::alloc::string::String>,
        /// The field `is_filtering_craftable` in the table `RecipeBook`
        pub is_filtering_craftable: bool,
        /// The field `is_gui_open` in the table `RecipeBook`
        pub is_gui_open: bool,
        /// The field `is_furnace_filtering_craftable` in the table `RecipeBook`
        pub is_furnace_filtering_craftable: bool,
        /// The field `is_furnace_gui_open` in the table `RecipeBook`
        pub is_furnace_gui_open: bool,
        /// The field `is_blasting_furnace_filtering_craftable` in the table `RecipeBook`
        pub is_blasting_furnace_filtering_craftable: bool,
        /// The field `is_blasting_furnace_gui_open` in the table `RecipeBook`
        pub is_blasting_furnace_gui_open: bool,
        /// The field `is_smoker_filtering_craftable` in the table `RecipeBook`
        pub is_smoker_filtering_craftable: bool,
        /// The field `is_smoker_gui_open` in the table `RecipeBook`
        pub is_smoker_gui_open: bool,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for RecipeBook {
        fn default() -> Self {
            Self {
                recipes: ::core::default::Default::default(),
                to_be_displayed: ::core::default::Default::default(),
                is_filtering_craftable: false,
                is_gui_open: false,
                is_furnace_filtering_craftable: false,
                is_furnace_gui_open: false,
                is_blasting_furnace_filtering_craftable: false,
                is_blasting_furnace_gui_open: false,
                is_smoker_filtering_craftable: false,
                is_smoker_gui_open: false,
            }
        }
    }

    impl RecipeBook {
        /// Creates a [RecipeBookBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> RecipeBookBuilder<()> {
            RecipeBookBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_recipes: impl ::planus::WriteAs<::planus::Offset<[::planus::Offset<str>]>>,
            field_to_be_displayed: impl ::planus::WriteAs<::planus::Offset<[::planus::Offset<str>]>>,
            field_is_filtering_craftable: impl ::planus::WriteAsDefault<bool, bool>,
            field_is_gui_open: impl ::planus::WriteAsDefault<bool, bool>,
            field_is_furnace_filtering_craftable: impl ::planus::WriteAsDefault<bool, bool>,
            field_is_furnace_gui_open: impl ::planus::WriteAsDefault<bool, bool>,
            field_is_blasting_furnace_filtering_craftable: impl ::planus::WriteAsDefault<bool, bool>,
            field_is_blasting_furnace_gui_open: impl ::planus::WriteAsDefault<bool, bool>,
            field_is_smoker_filtering_craftable: impl ::planus::WriteAsDefault<bool, bool>,
            field_is_smoker_gui_open: impl ::planus::WriteAsDefault<bool, bool>,
        ) -> ::planus::Offset<Self> {
            let prepared_recipes = field_recipes.prepare(builder);
            let prepared_to_be_displayed = field_to_be_displayed.prepare(builder);
            let prepared_is_filtering_craftable =
                field_is_filtering_craftable.prepare(builder, &false);
            let prepared_is_gui_open = field_is_gui_open.prepare(builder, &false);
            let prepared_is_furnace_filtering_craftable =
                field_is_furnace_filtering_craftable.prepare(builder, &false);
            let prepared_is_furnace_gui_open = field_is_furnace_gui_open.prepare(builder, &false);
            let prepared_is_blasting_furnace_filtering_craftable =
                field_is_blasting_furnace_filtering_craftable.prepare(builder, &false);
            let prepared_is_blasting_furnace_gui_open =
                field_is_blasting_furnace_gui_open.prepare(builder, &false);
            let prepared_is_smoker_filtering_craftable =
                field_is_smoker_filtering_craftable.prepare(builder, &false);
            let prepared_is_smoker_gui_open = field_is_smoker_gui_open.prepare(builder, &false);

            let mut table_writer: ::planus::table_writer::TableWriter<24> =
                ::core::default::Default::default();
            table_writer.write_entry::<::planus::Offset<[::planus::Offset<str>]>>(0);
            table_writer.write_entry::<::planus::Offset<[::planus::Offset<str>]>>(1);
            if prepared_is_filtering_craftable.is_some() {
                table_writer.write_entry::<bool>(2);
            }
            if prepared_is_gui_open.is_some() {
                table_writer.write_entry::<bool>(3);
            }
            if prepared_is_furnace_filtering_craftable.is_some() {
                table_writer.write_entry::<bool>(4);
            }
            if prepared_is_furnace_gui_open.is_some() {
                table_writer.write_entry::<bool>(5);
            }
            if prepared_is_blasting_furnace_filtering_craftable.is_some() {
                table_writer.write_entry::<bool>(6);
            }
            if prepared_is_blasting_furnace_gui_open.is_some() {
                table_writer.write_entry::<bool>(7);
            }
            if prepared_is_smoker_filtering_craftable.is_some() {
                table_writer.write_entry::<bool>(8);
            }
            if prepared_is_smoker_gui_open.is_some() {
                table_writer.write_entry::<bool>(9);
            }

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    object_writer.write::<_, _, 4>(&prepared_recipes);
                    object_writer.write::<_, _, 4>(&prepared_to_be_displayed);
                    if let ::core::option::Option::Some(prepared_is_filtering_craftable) =
                        prepared_is_filtering_craftable
                    {
                        object_writer.write::<_, _, 1>(&prepared_is_filtering_craftable);
                    }
                    if let ::core::option::Option::Some(prepared_is_gui_open) = prepared_is_gui_open
                    {
                        object_writer.write::<_, _, 1>(&prepared_is_gui_open);
                    }
                    if let ::core::option::Option::Some(prepared_is_furnace_filtering_craftable) =
                        prepared_is_furnace_filtering_craftable
                    {
                        object_writer.write::<_, _, 1>(&prepared_is_furnace_filtering_craftable);
                    }
                    if let ::core::option::Option::Some(prepared_is_furnace_gui_open) =
                        prepared_is_furnace_gui_open
                    {
                        object_writer.write::<_, _, 1>(&prepared_is_furnace_gui_open);
                    }
                    if let ::core::option::Option::Some(
                        prepared_is_blasting_furnace_filtering_craftable,
                    ) = prepared_is_blasting_furnace_filtering_craftable
                    {
                        object_writer
                            .write::<_, _, 1>(&prepared_is_blasting_furnace_filtering_craftable);
                    }
                    if let ::core::option::Option::Some(prepared_is_blasting_furnace_gui_open) =
                        prepared_is_blasting_furnace_gui_open
                    {
                        object_writer.write::<_, _, 1>(&prepared_is_blasting_furnace_gui_open);
                    }
                    if let ::core::option::Option::Some(prepared_is_smoker_filtering_craftable) =
                        prepared_is_smoker_filtering_craftable
                    {
                        object_writer.write::<_, _, 1>(&prepared_is_smoker_filtering_craftable);
                    }
                    if let ::core::option::Option::Some(prepared_is_smoker_gui_open) =
                        prepared_is_smoker_gui_open
                    {
                        object_writer.write::<_, _, 1>(&prepared_is_smoker_gui_open);
                    }
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<RecipeBook>> for RecipeBook {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<RecipeBook> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<RecipeBook>> for RecipeBook {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<RecipeBook>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<RecipeBook> for RecipeBook {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<RecipeBook> {
            RecipeBook::create(
                builder,
                &self.recipes,
                &self.to_be_displayed,
                self.is_filtering_craftable,
                self.is_gui_open,
                self.is_furnace_filtering_craftable,
                self.is_furnace_gui_open,
                self.is_blasting_furnace_filtering_craftable,
                self.is_blasting_furnace_gui_open,
                self.is_smoker_filtering_craftable,
                self.is_smoker_gui_open,
            )
        }
    }

    /// Builder for serializing an instance of the [RecipeBook] type.
    ///
    /// Can be created using the [RecipeBook::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct RecipeBookBuilder<State>(State);

    impl RecipeBookBuilder<()> {
        /// Setter for the [`recipes` field](RecipeBook#structfield.recipes).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn recipes<T0>(self, value: T0) -> RecipeBookBuilder<(T0,)>
        where
            T0: ::planus::WriteAs<::planus::Offset<[::planus::Offset<str>]>>,
        {
            RecipeBookBuilder((value,))
        }
    }

    impl<T0> RecipeBookBuilder<(T0,)> {
        /// Setter for the [`to_be_displayed` field](RecipeBook#structfield.to_be_displayed).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn to_be_displayed<T1>(self, value: T1) -> RecipeBookBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAs<::planus::Offset<[::planus::Offset<str>]>>,
        {
            let (v0,) = self.0;
            RecipeBookBuilder((v0, value))
        }
    }

    impl<T0, T1> RecipeBookBuilder<(T0, T1)> {
        /// Setter for the [`is_filtering_craftable` field](RecipeBook#structfield.is_filtering_craftable).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_filtering_craftable<T2>(self, value: T2) -> RecipeBookBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1) = self.0;
            RecipeBookBuilder((v0, v1, value))
        }

        /// Sets the [`is_filtering_craftable` field](RecipeBook#structfield.is_filtering_craftable) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_filtering_craftable_as_default(
            self,
        ) -> RecipeBookBuilder<(T0, T1, ::planus::DefaultValue)> {
            self.is_filtering_craftable(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2> RecipeBookBuilder<(T0, T1, T2)> {
        /// Setter for the [`is_gui_open` field](RecipeBook#structfield.is_gui_open).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_gui_open<T3>(self, value: T3) -> RecipeBookBuilder<(T0, T1, T2, T3)>
        where
            T3: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2) = self.0;
            RecipeBookBuilder((v0, v1, v2, value))
        }

        /// Sets the [`is_gui_open` field](RecipeBook#structfield.is_gui_open) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_gui_open_as_default(
            self,
        ) -> RecipeBookBuilder<(T0, T1, T2, ::planus::DefaultValue)> {
            self.is_gui_open(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3> RecipeBookBuilder<(T0, T1, T2, T3)> {
        /// Setter for the [`is_furnace_filtering_craftable` field](RecipeBook#structfield.is_furnace_filtering_craftable).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_furnace_filtering_craftable<T4>(
            self,
            value: T4,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4)>
        where
            T4: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3) = self.0;
            RecipeBookBuilder((v0, v1, v2, v3, value))
        }

        /// Sets the [`is_furnace_filtering_craftable` field](RecipeBook#structfield.is_furnace_filtering_craftable) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_furnace_filtering_craftable_as_default(
            self,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, ::planus::DefaultValue)> {
            self.is_furnace_filtering_craftable(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4> RecipeBookBuilder<(T0, T1, T2, T3, T4)> {
        /// Setter for the [`is_furnace_gui_open` field](RecipeBook#structfield.is_furnace_gui_open).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_furnace_gui_open<T5>(
            self,
            value: T5,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5)>
        where
            T5: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4) = self.0;
            RecipeBookBuilder((v0, v1, v2, v3, v4, value))
        }

        /// Sets the [`is_furnace_gui_open` field](RecipeBook#structfield.is_furnace_gui_open) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_furnace_gui_open_as_default(
            self,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4, ::planus::DefaultValue)> {
            self.is_furnace_gui_open(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5)> {
        /// Setter for the [`is_blasting_furnace_filtering_craftable` field](RecipeBook#structfield.is_blasting_furnace_filtering_craftable).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_blasting_furnace_filtering_craftable<T6>(
            self,
            value: T6,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6)>
        where
            T6: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4, v5) = self.0;
            RecipeBookBuilder((v0, v1, v2, v3, v4, v5, value))
        }

        /// Sets the [`is_blasting_furnace_filtering_craftable` field](RecipeBook#structfield.is_blasting_furnace_filtering_craftable) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_blasting_furnace_filtering_craftable_as_default(
            self,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, ::planus::DefaultValue)> {
            self.is_blasting_furnace_filtering_craftable(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6)> {
        /// Setter for the [`is_blasting_furnace_gui_open` field](RecipeBook#structfield.is_blasting_furnace_gui_open).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_blasting_furnace_gui_open<T7>(
            self,
            value: T7,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)>
        where
            T7: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4, v5, v6) = self.0;
            RecipeBookBuilder((v0, v1, v2, v3, v4, v5, v6, value))
        }

        /// Sets the [`is_blasting_furnace_gui_open` field](RecipeBook#structfield.is_blasting_furnace_gui_open) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_blasting_furnace_gui_open_as_default(
            self,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, ::planus::DefaultValue)> {
            self.is_blasting_furnace_gui_open(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)> {
        /// Setter for the [`is_smoker_filtering_craftable` field](RecipeBook#structfield.is_smoker_filtering_craftable).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_smoker_filtering_craftable<T8>(
            self,
            value: T8,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)>
        where
            T8: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7) = self.0;
            RecipeBookBuilder((v0, v1, v2, v3, v4, v5, v6, v7, value))
        }

        /// Sets the [`is_smoker_filtering_craftable` field](RecipeBook#structfield.is_smoker_filtering_craftable) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_smoker_filtering_craftable_as_default(
            self,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, ::planus::DefaultValue)> {
            self.is_smoker_filtering_craftable(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)> {
        /// Setter for the [`is_smoker_gui_open` field](RecipeBook#structfield.is_smoker_gui_open).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_smoker_gui_open<T9>(
            self,
            value: T9,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)>
        where
            T9: ::planus::WriteAsDefault<bool, bool>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8) = self.0;
            RecipeBookBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, value))
        }

        /// Sets the [`is_smoker_gui_open` field](RecipeBook#structfield.is_smoker_gui_open) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn is_smoker_gui_open_as_default(
            self,
        ) -> RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, ::planus::DefaultValue)>
        {
            self.is_smoker_gui_open(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9>
        RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)>
    {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [RecipeBook].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<RecipeBook>
        where
            Self: ::planus::WriteAsOffset<RecipeBook>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<[::planus::Offset<str>]>>,
            T1: ::planus::WriteAs<::planus::Offset<[::planus::Offset<str>]>>,
            T2: ::planus::WriteAsDefault<bool, bool>,
            T3: ::planus::WriteAsDefault<bool, bool>,
            T4: ::planus::WriteAsDefault<bool, bool>,
            T5: ::planus::WriteAsDefault<bool, bool>,
            T6: ::planus::WriteAsDefault<bool, bool>,
            T7: ::planus::WriteAsDefault<bool, bool>,
            T8: ::planus::WriteAsDefault<bool, bool>,
            T9: ::planus::WriteAsDefault<bool, bool>,
        > ::planus::WriteAs<::planus::Offset<RecipeBook>>
        for RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)>
    {
        type Prepared = ::planus::Offset<RecipeBook>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<RecipeBook> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<[::planus::Offset<str>]>>,
            T1: ::planus::WriteAs<::planus::Offset<[::planus::Offset<str>]>>,
            T2: ::planus::WriteAsDefault<bool, bool>,
            T3: ::planus::WriteAsDefault<bool, bool>,
            T4: ::planus::WriteAsDefault<bool, bool>,
            T5: ::planus::WriteAsDefault<bool, bool>,
            T6: ::planus::WriteAsDefault<bool, bool>,
            T7: ::planus::WriteAsDefault<bool, bool>,
            T8: ::planus::WriteAsDefault<bool, bool>,
            T9: ::planus::WriteAsDefault<bool, bool>,
        > ::planus::WriteAsOptional<::planus::Offset<RecipeBook>>
        for RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)>
    {
        type Prepared = ::planus::Offset<RecipeBook>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<RecipeBook>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<[::planus::Offset<str>]>>,
            T1: ::planus::WriteAs<::planus::Offset<[::planus::Offset<str>]>>,
            T2: ::planus::WriteAsDefault<bool, bool>,
            T3: ::planus::WriteAsDefault<bool, bool>,
            T4: ::planus::WriteAsDefault<bool, bool>,
            T5: ::planus::WriteAsDefault<bool, bool>,
            T6: ::planus::WriteAsDefault<bool, bool>,
            T7: ::planus::WriteAsDefault<bool, bool>,
            T8: ::planus::WriteAsDefault<bool, bool>,
            T9: ::planus::WriteAsDefault<bool, bool>,
        > ::planus::WriteAsOffset<RecipeBook>
        for RecipeBookBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<RecipeBook> {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9) = &self.0;
            RecipeBook::create(builder, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9)
        }
    }

    /// Reference to a deserialized [RecipeBook].
    #[derive(Copy, Clone)]
    pub struct RecipeBookRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> RecipeBookRef<'a> {
        /// Getter for the [`recipes` field](RecipeBook#structfield.recipes).
        #[inline]
        pub fn recipes(
            &self,
        ) -> ::planus::Result<::planus::Vector<'a, ::planus::Result<&'a ::core::primitive::str>>>
        {
            self.0.access_required(0, "RecipeBook", "recipes")
        }

        /// Getter for the [`to_be_displayed` field](RecipeBook#structfield.to_be_displayed).
        #[inline]
        pub fn to_be_displayed(
            &self,
        ) -> ::planus::Result<::planus::Vector<'a, ::planus::Result<&'a ::core::primitive::str>>>
        {
            self.0.access_required(1, "RecipeBook", "to_be_displayed")
        }

        /// Getter for the [`is_filtering_craftable` field](RecipeBook#structfield.is_filtering_craftable).
        #[inline]
        pub fn is_filtering_craftable(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(
                self.0
                    .access(2, "RecipeBook", "is_filtering_craftable")?
                    .unwrap_or(false),
            )
        }

        /// Getter for the [`is_gui_open` field](RecipeBook#structfield.is_gui_open).
        #[inline]
        pub fn is_gui_open(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(
                self.0
                    .access(3, "RecipeBook", "is_gui_open")?
                    .unwrap_or(false),
            )
        }

        /// Getter for the [`is_furnace_filtering_craftable` field](RecipeBook#structfield.is_furnace_filtering_craftable).
        #[inline]
        pub fn is_furnace_filtering_craftable(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(
                self.0
                    .access(4, "RecipeBook", "is_furnace_filtering_craftable")?
                    .unwrap_or(false),
            )
        }

        /// Getter for the [`is_furnace_gui_open` field](RecipeBook#structfield.is_furnace_gui_open).
        #[inline]
        pub fn is_furnace_gui_open(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(
                self.0
                    .access(5, "RecipeBook", "is_furnace_gui_open")?
                    .unwrap_or(false),
            )
        }

        /// Getter for the [`is_blasting_furnace_filtering_craftable` field](RecipeBook#structfield.is_blasting_furnace_filtering_craftable).
        #[inline]
        pub fn is_blasting_furnace_filtering_craftable(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(
                self.0
                    .access(6, "RecipeBook", "is_blasting_furnace_filtering_craftable")?
                    .unwrap_or(false),
            )
        }

        /// Getter for the [`is_blasting_furnace_gui_open` field](RecipeBook#structfield.is_blasting_furnace_gui_open).
        #[inline]
        pub fn is_blasting_furnace_gui_open(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(
                self.0
                    .access(7, "RecipeBook", "is_blasting_furnace_gui_open")?
                    .unwrap_or(false),
            )
        }

        /// Getter for the [`is_smoker_filtering_craftable` field](RecipeBook#structfield.is_smoker_filtering_craftable).
        #[inline]
        pub fn is_smoker_filtering_craftable(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(
                self.0
                    .access(8, "RecipeBook", "is_smoker_filtering_craftable")?
                    .unwrap_or(false),
            )
        }

        /// Getter for the [`is_smoker_gui_open` field](RecipeBook#structfield.is_smoker_gui_open).
        #[inline]
        pub fn is_smoker_gui_open(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(
                self.0
                    .access(9, "RecipeBook", "is_smoker_gui_open")?
                    .unwrap_or(false),
            )
        }
    }

    impl<'a> ::core::fmt::Debug for RecipeBookRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("RecipeBookRef");
            f.field("recipes", &self.recipes());
            f.field("to_be_displayed", &self.to_be_displayed());
            f.field("is_filtering_craftable", &self.is_filtering_craftable());
            f.field("is_gui_open", &self.is_gui_open());
            f.field(
                "is_furnace_filtering_craftable",
                &self.is_furnace_filtering_craftable(),
            );
            f.field("is_furnace_gui_open", &self.is_furnace_gui_open());
            f.field(
                "is_blasting_furnace_filtering_craftable",
                &self.is_blasting_furnace_filtering_craftable(),
            );
            f.field(
                "is_blasting_furnace_gui_open",
                &self.is_blasting_furnace_gui_open(),
            );
            f.field(
                "is_smoker_filtering_craftable",
                &self.is_smoker_filtering_craftable(),
            );
            f.field("is_smoker_gui_open", &self.is_smoker_gui_open());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<RecipeBookRef<'a>> for RecipeBook {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: RecipeBookRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                recipes: value.recipes()?.to_vec_result()?,
                to_be_displayed: value.to_be_displayed()?.to_vec_result()?,
                is_filtering_craftable: ::core::convert::TryInto::try_into(
                    value.is_filtering_craftable()?,
                )?,
                is_gui_open: ::core::convert::TryInto::try_into(value.is_gui_open()?)?,
                is_furnace_filtering_craftable: ::core::convert::TryInto::try_into(
                    value.is_furnace_filtering_craftable()?,
                )?,
                is_furnace_gui_open: ::core::convert::TryInto::try_into(
                    value.is_furnace_gui_open()?,
                )?,
                is_blasting_furnace_filtering_craftable: ::core::convert::TryInto::try_into(
                    value.is_blasting_furnace_filtering_craftable()?,
                )?,
                is_blasting_furnace_gui_open: ::core::convert::TryInto::try_into(
                    value.is_blasting_furnace_gui_open()?,
                )?,
                is_smoker_filtering_craftable: ::core::convert::TryInto::try_into(
                    value.is_smoker_filtering_craftable()?,
                )?,
                is_smoker_gui_open: ::core::convert::TryInto::try_into(
                    value.is_smoker_gui_open()?,
                )?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for RecipeBookRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for RecipeBookRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[RecipeBookRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<RecipeBook>> for RecipeBook {
        type Value = ::planus::Offset<RecipeBook>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<RecipeBook>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for RecipeBookRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| {
                error_kind.with_error_location("[RecipeBookRef]", "read_as_root", 0)
            })
        }
    }

    /// The table `Player`
    ///
    /// Generated from these locations:
    /// * Table `Player` in the file `minecraft_savedata.fbs:81`
    #[derive(Clone, Debug, PartialEq, PartialOrd, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Player {
        /// The field `game_type` in the table `Player`
        pub game_type: self::GameType,
        /// The field `previous_game_type` in the table `Player`
        pub previous_game_type: self::GameType,
        /// The field `score` in the table `Player`
        pub score: i64,
        /// The field `dimension` in the table `Player`
        pub dimension: ::planus::alloc::string::String,
        /// The field `selected_item_slot` in the table `Player`
        pub selected_item_slot: u32,
        /// The field `selected_item` in the table `Player`
        pub selected_item: ::planus::alloc::boxed::Box<self::Item>,
        /// The field `spawn_dimension` in the table `Player`
        pub spawn_dimension: ::core::option::Option<::planus::alloc::string::String>,
        /// The field `spawn_x` in the table `Player`
        pub spawn_x: i64,
        /// The field `spawn_y` in the table `Player`
        pub spawn_y: i64,
        /// The field `spawn_z` in the table `Player`
        pub spawn_z: i64,
        /// The field `spawn_forced` in the table `Player`
        pub spawn_forced: ::core::option::Option<bool>,
        /// The field `sleep_timer` in the table `Player`
        pub sleep_timer: u16,
        /// The field `food_exhaustion_level` in the table `Player`
        pub food_exhaustion_level: f32,
        /// The field `food_saturation_level` in the table `Player`
        pub food_saturation_level: f32,
        /// The field `food_tick_timer` in the table `Player`
        pub food_tick_timer: u32,
        /// The field `xp_level` in the table `Player`
        pub xp_level: u32,
        /// The field `xp_p` in the table `Player`
        pub xp_p: f32,
        /// The field `xp_total` in the table `Player`
        pub xp_total: i32,
        /// The field `xp_seed` in the table `Player`
        pub xp_seed: i32,
        /// The field `inventory` in the table `Player`
        pub inventory: ::planus::alloc::vec::Vec<self::Item>,
        /// The field `ender_items` in the table `Player`
        pub ender_items: ::planus::alloc::vec::Vec<self::Item>,
        /// The field `abilities` in the table `Player`
        pub abilities: self::Abilities,
        /// The field `entered_nether_position` in the table `Player`
        pub entered_nether_position: ::core::option::Option<self::Vector3d>,
        /// The field `root_vehicle` in the table `Player`
        pub root_vehicle: ::core::option::Option<::planus::alloc::boxed::Box<self::Vehicle>>,
        /// The field `shoulder_entity_left` in the table `Player`
        pub shoulder_entity_left: ::core::option::Option<::planus::alloc::boxed::Box<self::Entity>>,
        /// The field `shoulder_entity_right` in the table `Player`
        pub shoulder_entity_right:
            ::core::option::Option<::planus::alloc::boxed::Box<self::Entity>>,
        /// The field `seen_credits` in the table `Player`
        pub seen_credits: bool,
        /// The field `recipe_book` in the table `Player`
        pub recipe_book: ::planus::alloc::boxed::Box<self::RecipeBook>,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Player {
        fn default() -> Self {
            Self {
                game_type: self::GameType::Survival,
                previous_game_type: self::GameType::Survival,
                score: 0,
                dimension: ::core::default::Default::default(),
                selected_item_slot: 0,
                selected_item: ::core::default::Default::default(),
                spawn_dimension: ::core::default::Default::default(),
                spawn_x: 0,
                spawn_y: 0,
                spawn_z: 0,
                spawn_forced: ::core::default::Default::default(),
                sleep_timer: 0,
                food_exhaustion_level: 0.0,
                food_saturation_level: 0.0,
                food_tick_timer: 0,
                xp_level: 0,
                xp_p: 0.0,
                xp_total: 0,
                xp_seed: 0,
                inventory: ::core::default::Default::default(),
                ender_items: ::core::default::Default::default(),
                abilities: ::core::default::Default::default(),
                entered_nether_position: ::core::default::Default::default(),
                root_vehicle: ::core::default::Default::default(),
                shoulder_entity_left: ::core::default::Default::default(),
                shoulder_entity_right: ::core::default::Default::default(),
                seen_credits: false,
                recipe_book: ::core::default::Default::default(),
            }
        }
    }

    impl Player {
        /// Creates a [PlayerBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> PlayerBuilder<()> {
            PlayerBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_game_type: impl ::planus::WriteAsDefault<self::GameType, self::GameType>,
            field_previous_game_type: impl ::planus::WriteAsDefault<self::GameType, self::GameType>,
            field_score: impl ::planus::WriteAsDefault<i64, i64>,
            field_dimension: impl ::planus::WriteAs<::planus::Offset<str>>,
            field_selected_item_slot: impl ::planus::WriteAsDefault<u32, u32>,
            field_selected_item: impl ::planus::WriteAs<::planus::Offset<self::Item>>,
            field_spawn_dimension: impl ::planus::WriteAsOptional<
                ::planus::Offset<::core::primitive::str>,
            >,
            field_spawn_x: impl ::planus::WriteAsDefault<i64, i64>,
            field_spawn_y: impl ::planus::WriteAsDefault<i64, i64>,
            field_spawn_z: impl ::planus::WriteAsDefault<i64, i64>,
            field_spawn_forced: impl ::planus::WriteAsOptional<bool>,
            field_sleep_timer: impl ::planus::WriteAsDefault<u16, u16>,
            field_food_exhaustion_level: impl ::planus::WriteAsDefault<f32, f32>,
            field_food_saturation_level: impl ::planus::WriteAsDefault<f32, f32>,
            field_food_tick_timer: impl ::planus::WriteAsDefault<u32, u32>,
            field_xp_level: impl ::planus::WriteAsDefault<u32, u32>,
            field_xp_p: impl ::planus::WriteAsDefault<f32, f32>,
            field_xp_total: impl ::planus::WriteAsDefault<i32, i32>,
            field_xp_seed: impl ::planus::WriteAsDefault<i32, i32>,
            field_inventory: impl ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Item>]>>,
            field_ender_items: impl ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Item>]>>,
            field_abilities: impl ::planus::WriteAs<self::Abilities>,
            field_entered_nether_position: impl ::planus::WriteAsOptional<self::Vector3d>,
            field_root_vehicle: impl ::planus::WriteAsOptional<::planus::Offset<self::Vehicle>>,
            field_shoulder_entity_left: impl ::planus::WriteAsOptional<::planus::Offset<self::Entity>>,
            field_shoulder_entity_right: impl ::planus::WriteAsOptional<::planus::Offset<self::Entity>>,
            field_seen_credits: impl ::planus::WriteAsDefault<bool, bool>,
            field_recipe_book: impl ::planus::WriteAs<::planus::Offset<self::RecipeBook>>,
        ) -> ::planus::Offset<Self> {
            let prepared_game_type = field_game_type.prepare(builder, &self::GameType::Survival);
            let prepared_previous_game_type =
                field_previous_game_type.prepare(builder, &self::GameType::Survival);
            let prepared_score = field_score.prepare(builder, &0);
            let prepared_dimension = field_dimension.prepare(builder);
            let prepared_selected_item_slot = field_selected_item_slot.prepare(builder, &0);
            let prepared_selected_item = field_selected_item.prepare(builder);
            let prepared_spawn_dimension = field_spawn_dimension.prepare(builder);
            let prepared_spawn_x = field_spawn_x.prepare(builder, &0);
            let prepared_spawn_y = field_spawn_y.prepare(builder, &0);
            let prepared_spawn_z = field_spawn_z.prepare(builder, &0);
            let prepared_spawn_forced = field_spawn_forced.prepare(builder);
            let prepared_sleep_timer = field_sleep_timer.prepare(builder, &0);
            let prepared_food_exhaustion_level = field_food_exhaustion_level.prepare(builder, &0.0);
            let prepared_food_saturation_level = field_food_saturation_level.prepare(builder, &0.0);
            let prepared_food_tick_timer = field_food_tick_timer.prepare(builder, &0);
            let prepared_xp_level = field_xp_level.prepare(builder, &0);
            let prepared_xp_p = field_xp_p.prepare(builder, &0.0);
            let prepared_xp_total = field_xp_total.prepare(builder, &0);
            let prepared_xp_seed = field_xp_seed.prepare(builder, &0);
            let prepared_inventory = field_inventory.prepare(builder);
            let prepared_ender_items = field_ender_items.prepare(builder);
            let prepared_abilities = field_abilities.prepare(builder);
            let prepared_entered_nether_position = field_entered_nether_position.prepare(builder);
            let prepared_root_vehicle = field_root_vehicle.prepare(builder);
            let prepared_shoulder_entity_left = field_shoulder_entity_left.prepare(builder);
            let prepared_shoulder_entity_right = field_shoulder_entity_right.prepare(builder);
            let prepared_seen_credits = field_seen_credits.prepare(builder, &false);
            let prepared_recipe_book = field_recipe_book.prepare(builder);

            let mut table_writer: ::planus::table_writer::TableWriter<60> =
                ::core::default::Default::default();
            if prepared_score.is_some() {
                table_writer.write_entry::<i64>(2);
            }
            if prepared_spawn_x.is_some() {
                table_writer.write_entry::<i64>(7);
            }
            if prepared_spawn_y.is_some() {
                table_writer.write_entry::<i64>(8);
            }
            if prepared_spawn_z.is_some() {
                table_writer.write_entry::<i64>(9);
            }
            if prepared_entered_nether_position.is_some() {
                table_writer.write_entry::<self::Vector3d>(22);
            }
            table_writer.write_entry::<::planus::Offset<str>>(3);
            if prepared_selected_item_slot.is_some() {
                table_writer.write_entry::<u32>(4);
            }
            table_writer.write_entry::<::planus::Offset<self::Item>>(5);
            if prepared_spawn_dimension.is_some() {
                table_writer.write_entry::<::planus::Offset<str>>(6);
            }
            if prepared_food_exhaustion_level.is_some() {
                table_writer.write_entry::<f32>(12);
            }
            if prepared_food_saturation_level.is_some() {
                table_writer.write_entry::<f32>(13);
            }
            if prepared_food_tick_timer.is_some() {
                table_writer.write_entry::<u32>(14);
            }
            if prepared_xp_level.is_some() {
                table_writer.write_entry::<u32>(15);
            }
            if prepared_xp_p.is_some() {
                table_writer.write_entry::<f32>(16);
            }
            if prepared_xp_total.is_some() {
                table_writer.write_entry::<i32>(17);
            }
            if prepared_xp_seed.is_some() {
                table_writer.write_entry::<i32>(18);
            }
            table_writer.write_entry::<::planus::Offset<[::planus::Offset<self::Item>]>>(19);
            table_writer.write_entry::<::planus::Offset<[::planus::Offset<self::Item>]>>(20);
            table_writer.write_entry::<self::Abilities>(21);
            if prepared_root_vehicle.is_some() {
                table_writer.write_entry::<::planus::Offset<self::Vehicle>>(23);
            }
            if prepared_shoulder_entity_left.is_some() {
                table_writer.write_entry::<::planus::Offset<self::Entity>>(24);
            }
            if prepared_shoulder_entity_right.is_some() {
                table_writer.write_entry::<::planus::Offset<self::Entity>>(25);
            }
            table_writer.write_entry::<::planus::Offset<self::RecipeBook>>(27);
            if prepared_sleep_timer.is_some() {
                table_writer.write_entry::<u16>(11);
            }
            if prepared_game_type.is_some() {
                table_writer.write_entry::<self::GameType>(0);
            }
            if prepared_previous_game_type.is_some() {
                table_writer.write_entry::<self::GameType>(1);
            }
            if prepared_spawn_forced.is_some() {
                table_writer.write_entry::<bool>(10);
            }
            if prepared_seen_credits.is_some() {
                table_writer.write_entry::<bool>(26);
            }

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    if let ::core::option::Option::Some(prepared_score) = prepared_score {
                        object_writer.write::<_, _, 8>(&prepared_score);
                    }
                    if let ::core::option::Option::Some(prepared_spawn_x) = prepared_spawn_x {
                        object_writer.write::<_, _, 8>(&prepared_spawn_x);
                    }
                    if let ::core::option::Option::Some(prepared_spawn_y) = prepared_spawn_y {
                        object_writer.write::<_, _, 8>(&prepared_spawn_y);
                    }
                    if let ::core::option::Option::Some(prepared_spawn_z) = prepared_spawn_z {
                        object_writer.write::<_, _, 8>(&prepared_spawn_z);
                    }
                    if let ::core::option::Option::Some(prepared_entered_nether_position) =
                        prepared_entered_nether_position
                    {
                        object_writer.write::<_, _, 24>(&prepared_entered_nether_position);
                    }
                    object_writer.write::<_, _, 4>(&prepared_dimension);
                    if let ::core::option::Option::Some(prepared_selected_item_slot) =
                        prepared_selected_item_slot
                    {
                        object_writer.write::<_, _, 4>(&prepared_selected_item_slot);
                    }
                    object_writer.write::<_, _, 4>(&prepared_selected_item);
                    if let ::core::option::Option::Some(prepared_spawn_dimension) =
                        prepared_spawn_dimension
                    {
                        object_writer.write::<_, _, 4>(&prepared_spawn_dimension);
                    }
                    if let ::core::option::Option::Some(prepared_food_exhaustion_level) =
                        prepared_food_exhaustion_level
                    {
                        object_writer.write::<_, _, 4>(&prepared_food_exhaustion_level);
                    }
                    if let ::core::option::Option::Some(prepared_food_saturation_level) =
                        prepared_food_saturation_level
                    {
                        object_writer.write::<_, _, 4>(&prepared_food_saturation_level);
                    }
                    if let ::core::option::Option::Some(prepared_food_tick_timer) =
                        prepared_food_tick_timer
                    {
                        object_writer.write::<_, _, 4>(&prepared_food_tick_timer);
                    }
                    if let ::core::option::Option::Some(prepared_xp_level) = prepared_xp_level {
                        object_writer.write::<_, _, 4>(&prepared_xp_level);
                    }
                    if let ::core::option::Option::Some(prepared_xp_p) = prepared_xp_p {
                        object_writer.write::<_, _, 4>(&prepared_xp_p);
                    }
                    if let ::core::option::Option::Some(prepared_xp_total) = prepared_xp_total {
                        object_writer.write::<_, _, 4>(&prepared_xp_total);
                    }
                    if let ::core::option::Option::Some(prepared_xp_seed) = prepared_xp_seed {
                        object_writer.write::<_, _, 4>(&prepared_xp_seed);
                    }
                    object_writer.write::<_, _, 4>(&prepared_inventory);
                    object_writer.write::<_, _, 4>(&prepared_ender_items);
                    object_writer.write::<_, _, 16>(&prepared_abilities);
                    if let ::core::option::Option::Some(prepared_root_vehicle) =
                        prepared_root_vehicle
                    {
                        object_writer.write::<_, _, 4>(&prepared_root_vehicle);
                    }
                    if let ::core::option::Option::Some(prepared_shoulder_entity_left) =
                        prepared_shoulder_entity_left
                    {
                        object_writer.write::<_, _, 4>(&prepared_shoulder_entity_left);
                    }
                    if let ::core::option::Option::Some(prepared_shoulder_entity_right) =
                        prepared_shoulder_entity_right
                    {
                        object_writer.write::<_, _, 4>(&prepared_shoulder_entity_right);
                    }
                    object_writer.write::<_, _, 4>(&prepared_recipe_book);
                    if let ::core::option::Option::Some(prepared_sleep_timer) = prepared_sleep_timer
                    {
                        object_writer.write::<_, _, 2>(&prepared_sleep_timer);
                    }
                    if let ::core::option::Option::Some(prepared_game_type) = prepared_game_type {
                        object_writer.write::<_, _, 1>(&prepared_game_type);
                    }
                    if let ::core::option::Option::Some(prepared_previous_game_type) =
                        prepared_previous_game_type
                    {
                        object_writer.write::<_, _, 1>(&prepared_previous_game_type);
                    }
                    if let ::core::option::Option::Some(prepared_spawn_forced) =
                        prepared_spawn_forced
                    {
                        object_writer.write::<_, _, 1>(&prepared_spawn_forced);
                    }
                    if let ::core::option::Option::Some(prepared_seen_credits) =
                        prepared_seen_credits
                    {
                        object_writer.write::<_, _, 1>(&prepared_seen_credits);
                    }
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Player>> for Player {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Player> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Player>> for Player {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Player>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Player> for Player {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Player> {
            Player::create(
                builder,
                self.game_type,
                self.previous_game_type,
                self.score,
                &self.dimension,
                self.selected_item_slot,
                &self.selected_item,
                &self.spawn_dimension,
                self.spawn_x,
                self.spawn_y,
                self.spawn_z,
                self.spawn_forced,
                self.sleep_timer,
                self.food_exhaustion_level,
                self.food_saturation_level,
                self.food_tick_timer,
                self.xp_level,
                self.xp_p,
                self.xp_total,
                self.xp_seed,
                &self.inventory,
                &self.ender_items,
                self.abilities,
                self.entered_nether_position,
                &self.root_vehicle,
                &self.shoulder_entity_left,
                &self.shoulder_entity_right,
                self.seen_credits,
                &self.recipe_book,
            )
        }
    }

    /// Builder for serializing an instance of the [Player] type.
    ///
    /// Can be created using the [Player::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct PlayerBuilder<State>(State);

    impl PlayerBuilder<()> {
        /// Setter for the [`game_type` field](Player#structfield.game_type).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn game_type<T0>(self, value: T0) -> PlayerBuilder<(T0,)>
        where
            T0: ::planus::WriteAsDefault<self::GameType, self::GameType>,
        {
            PlayerBuilder((value,))
        }

        /// Sets the [`game_type` field](Player#structfield.game_type) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn game_type_as_default(self) -> PlayerBuilder<(::planus::DefaultValue,)> {
            self.game_type(::planus::DefaultValue)
        }
    }

    impl<T0> PlayerBuilder<(T0,)> {
        /// Setter for the [`previous_game_type` field](Player#structfield.previous_game_type).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn previous_game_type<T1>(self, value: T1) -> PlayerBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAsDefault<self::GameType, self::GameType>,
        {
            let (v0,) = self.0;
            PlayerBuilder((v0, value))
        }

        /// Sets the [`previous_game_type` field](Player#structfield.previous_game_type) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn previous_game_type_as_default(self) -> PlayerBuilder<(T0, ::planus::DefaultValue)> {
            self.previous_game_type(::planus::DefaultValue)
        }
    }

    impl<T0, T1> PlayerBuilder<(T0, T1)> {
        /// Setter for the [`score` field](Player#structfield.score).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn score<T2>(self, value: T2) -> PlayerBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAsDefault<i64, i64>,
        {
            let (v0, v1) = self.0;
            PlayerBuilder((v0, v1, value))
        }

        /// Sets the [`score` field](Player#structfield.score) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn score_as_default(self) -> PlayerBuilder<(T0, T1, ::planus::DefaultValue)> {
            self.score(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2> PlayerBuilder<(T0, T1, T2)> {
        /// Setter for the [`dimension` field](Player#structfield.dimension).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn dimension<T3>(self, value: T3) -> PlayerBuilder<(T0, T1, T2, T3)>
        where
            T3: ::planus::WriteAs<::planus::Offset<str>>,
        {
            let (v0, v1, v2) = self.0;
            PlayerBuilder((v0, v1, v2, value))
        }
    }

    impl<T0, T1, T2, T3> PlayerBuilder<(T0, T1, T2, T3)> {
        /// Setter for the [`selected_item_slot` field](Player#structfield.selected_item_slot).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn selected_item_slot<T4>(self, value: T4) -> PlayerBuilder<(T0, T1, T2, T3, T4)>
        where
            T4: ::planus::WriteAsDefault<u32, u32>,
        {
            let (v0, v1, v2, v3) = self.0;
            PlayerBuilder((v0, v1, v2, v3, value))
        }

        /// Sets the [`selected_item_slot` field](Player#structfield.selected_item_slot) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn selected_item_slot_as_default(
            self,
        ) -> PlayerBuilder<(T0, T1, T2, T3, ::planus::DefaultValue)> {
            self.selected_item_slot(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4> PlayerBuilder<(T0, T1, T2, T3, T4)> {
        /// Setter for the [`selected_item` field](Player#structfield.selected_item).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn selected_item<T5>(self, value: T5) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5)>
        where
            T5: ::planus::WriteAs<::planus::Offset<self::Item>>,
        {
            let (v0, v1, v2, v3, v4) = self.0;
            PlayerBuilder((v0, v1, v2, v3, v4, value))
        }
    }

    impl<T0, T1, T2, T3, T4, T5> PlayerBuilder<(T0, T1, T2, T3, T4, T5)> {
        /// Setter for the [`spawn_dimension` field](Player#structfield.spawn_dimension).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn spawn_dimension<T6>(self, value: T6) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6)>
        where
            T6: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
        {
            let (v0, v1, v2, v3, v4, v5) = self.0;
            PlayerBuilder((v0, v1, v2, v3, v4, v5, value))
        }

        /// Sets the [`spawn_dimension` field](Player#structfield.spawn_dimension) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn spawn_dimension_as_null(self) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, ())> {
            self.spawn_dimension(())
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6)> {
        /// Setter for the [`spawn_x` field](Player#structfield.spawn_x).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn spawn_x<T7>(self, value: T7) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)>
        where
            T7: ::planus::WriteAsDefault<i64, i64>,
        {
            let (v0, v1, v2, v3, v4, v5, v6) = self.0;
            PlayerBuilder((v0, v1, v2, v3, v4, v5, v6, value))
        }

        /// Sets the [`spawn_x` field](Player#structfield.spawn_x) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn spawn_x_as_default(
            self,
        ) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, ::planus::DefaultValue)> {
            self.spawn_x(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)> {
        /// Setter for the [`spawn_y` field](Player#structfield.spawn_y).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn spawn_y<T8>(self, value: T8) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)>
        where
            T8: ::planus::WriteAsDefault<i64, i64>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7) = self.0;
            PlayerBuilder((v0, v1, v2, v3, v4, v5, v6, v7, value))
        }

        /// Sets the [`spawn_y` field](Player#structfield.spawn_y) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn spawn_y_as_default(
            self,
        ) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, ::planus::DefaultValue)> {
            self.spawn_y(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8)> {
        /// Setter for the [`spawn_z` field](Player#structfield.spawn_z).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn spawn_z<T9>(
            self,
            value: T9,
        ) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)>
        where
            T9: ::planus::WriteAsDefault<i64, i64>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8) = self.0;
            PlayerBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, value))
        }

        /// Sets the [`spawn_z` field](Player#structfield.spawn_z) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn spawn_z_as_default(
            self,
        ) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, ::planus::DefaultValue)> {
            self.spawn_z(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9>
        PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)>
    {
        /// Setter for the [`spawn_forced` field](Player#structfield.spawn_forced).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn spawn_forced<T10>(
            self,
            value: T10,
        ) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10)>
        where
            T10: ::planus::WriteAsOptional<bool>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9) = self.0;
            PlayerBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, value))
        }

        /// Sets the [`spawn_forced` field](Player#structfield.spawn_forced) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn spawn_forced_as_null(
            self,
        ) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, ())> {
            self.spawn_forced(())
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>
        PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10)>
    {
        /// Setter for the [`sleep_timer` field](Player#structfield.sleep_timer).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn sleep_timer<T11>(
            self,
            value: T11,
        ) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11)>
        where
            T11: ::planus::WriteAsDefault<u16, u16>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10) = self.0;
            PlayerBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, value))
        }

        /// Sets the [`sleep_timer` field](Player#structfield.sleep_timer) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn sleep_timer_as_default(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            ::planus::DefaultValue,
        )> {
            self.sleep_timer(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11>
        PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11)>
    {
        /// Setter for the [`food_exhaustion_level` field](Player#structfield.food_exhaustion_level).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn food_exhaustion_level<T12>(
            self,
            value: T12,
        ) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12)>
        where
            T12: ::planus::WriteAsDefault<f32, f32>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11) = self.0;
            PlayerBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, value))
        }

        /// Sets the [`food_exhaustion_level` field](Player#structfield.food_exhaustion_level) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn food_exhaustion_level_as_default(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            ::planus::DefaultValue,
        )> {
            self.food_exhaustion_level(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12>
        PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12)>
    {
        /// Setter for the [`food_saturation_level` field](Player#structfield.food_saturation_level).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn food_saturation_level<T13>(
            self,
            value: T13,
        ) -> PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13)>
        where
            T13: ::planus::WriteAsDefault<f32, f32>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12) = self.0;
            PlayerBuilder((v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, value))
        }

        /// Sets the [`food_saturation_level` field](Player#structfield.food_saturation_level) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn food_saturation_level_as_default(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            ::planus::DefaultValue,
        )> {
            self.food_saturation_level(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13>
        PlayerBuilder<(T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13)>
    {
        /// Setter for the [`food_tick_timer` field](Player#structfield.food_tick_timer).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn food_tick_timer<T14>(
            self,
            value: T14,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
        )>
        where
            T14: ::planus::WriteAsDefault<u32, u32>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, value,
            ))
        }

        /// Sets the [`food_tick_timer` field](Player#structfield.food_tick_timer) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn food_tick_timer_as_default(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            ::planus::DefaultValue,
        )> {
            self.food_tick_timer(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14>
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
        )>
    {
        /// Setter for the [`xp_level` field](Player#structfield.xp_level).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn xp_level<T15>(
            self,
            value: T15,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
        )>
        where
            T15: ::planus::WriteAsDefault<u32, u32>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, value,
            ))
        }

        /// Sets the [`xp_level` field](Player#structfield.xp_level) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn xp_level_as_default(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            ::planus::DefaultValue,
        )> {
            self.xp_level(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15>
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
        )>
    {
        /// Setter for the [`xp_p` field](Player#structfield.xp_p).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn xp_p<T16>(
            self,
            value: T16,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
        )>
        where
            T16: ::planus::WriteAsDefault<f32, f32>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, value,
            ))
        }

        /// Sets the [`xp_p` field](Player#structfield.xp_p) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn xp_p_as_default(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            ::planus::DefaultValue,
        )> {
            self.xp_p(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16>
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
        )>
    {
        /// Setter for the [`xp_total` field](Player#structfield.xp_total).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn xp_total<T17>(
            self,
            value: T17,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
        )>
        where
            T17: ::planus::WriteAsDefault<i32, i32>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16) =
                self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, value,
            ))
        }

        /// Sets the [`xp_total` field](Player#structfield.xp_total) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn xp_total_as_default(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            ::planus::DefaultValue,
        )> {
            self.xp_total(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17>
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
        )>
    {
        /// Setter for the [`xp_seed` field](Player#structfield.xp_seed).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn xp_seed<T18>(
            self,
            value: T18,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
        )>
        where
            T18: ::planus::WriteAsDefault<i32, i32>,
        {
            let (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17) =
                self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17,
                value,
            ))
        }

        /// Sets the [`xp_seed` field](Player#structfield.xp_seed) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn xp_seed_as_default(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            ::planus::DefaultValue,
        )> {
            self.xp_seed(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18>
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
        )>
    {
        /// Setter for the [`inventory` field](Player#structfield.inventory).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn inventory<T19>(
            self,
            value: T19,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
        )>
        where
            T19: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Item>]>>,
        {
            let (
                v0,
                v1,
                v2,
                v3,
                v4,
                v5,
                v6,
                v7,
                v8,
                v9,
                v10,
                v11,
                v12,
                v13,
                v14,
                v15,
                v16,
                v17,
                v18,
            ) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17,
                v18, value,
            ))
        }
    }

    impl<
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
        >
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
        )>
    {
        /// Setter for the [`ender_items` field](Player#structfield.ender_items).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn ender_items<T20>(
            self,
            value: T20,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
        )>
        where
            T20: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Item>]>>,
        {
            let (
                v0,
                v1,
                v2,
                v3,
                v4,
                v5,
                v6,
                v7,
                v8,
                v9,
                v10,
                v11,
                v12,
                v13,
                v14,
                v15,
                v16,
                v17,
                v18,
                v19,
            ) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17,
                v18, v19, value,
            ))
        }
    }

    impl<
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
        >
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
        )>
    {
        /// Setter for the [`abilities` field](Player#structfield.abilities).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn abilities<T21>(
            self,
            value: T21,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
        )>
        where
            T21: ::planus::WriteAs<self::Abilities>,
        {
            let (
                v0,
                v1,
                v2,
                v3,
                v4,
                v5,
                v6,
                v7,
                v8,
                v9,
                v10,
                v11,
                v12,
                v13,
                v14,
                v15,
                v16,
                v17,
                v18,
                v19,
                v20,
            ) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17,
                v18, v19, v20, value,
            ))
        }
    }

    impl<
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
        >
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
        )>
    {
        /// Setter for the [`entered_nether_position` field](Player#structfield.entered_nether_position).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn entered_nether_position<T22>(
            self,
            value: T22,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
        )>
        where
            T22: ::planus::WriteAsOptional<self::Vector3d>,
        {
            let (
                v0,
                v1,
                v2,
                v3,
                v4,
                v5,
                v6,
                v7,
                v8,
                v9,
                v10,
                v11,
                v12,
                v13,
                v14,
                v15,
                v16,
                v17,
                v18,
                v19,
                v20,
                v21,
            ) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17,
                v18, v19, v20, v21, value,
            ))
        }

        /// Sets the [`entered_nether_position` field](Player#structfield.entered_nether_position) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn entered_nether_position_as_null(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            (),
        )> {
            self.entered_nether_position(())
        }
    }

    impl<
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
        >
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
        )>
    {
        /// Setter for the [`root_vehicle` field](Player#structfield.root_vehicle).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn root_vehicle<T23>(
            self,
            value: T23,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
        )>
        where
            T23: ::planus::WriteAsOptional<::planus::Offset<self::Vehicle>>,
        {
            let (
                v0,
                v1,
                v2,
                v3,
                v4,
                v5,
                v6,
                v7,
                v8,
                v9,
                v10,
                v11,
                v12,
                v13,
                v14,
                v15,
                v16,
                v17,
                v18,
                v19,
                v20,
                v21,
                v22,
            ) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17,
                v18, v19, v20, v21, v22, value,
            ))
        }

        /// Sets the [`root_vehicle` field](Player#structfield.root_vehicle) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn root_vehicle_as_null(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            (),
        )> {
            self.root_vehicle(())
        }
    }

    impl<
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
        >
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
        )>
    {
        /// Setter for the [`shoulder_entity_left` field](Player#structfield.shoulder_entity_left).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn shoulder_entity_left<T24>(
            self,
            value: T24,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
        )>
        where
            T24: ::planus::WriteAsOptional<::planus::Offset<self::Entity>>,
        {
            let (
                v0,
                v1,
                v2,
                v3,
                v4,
                v5,
                v6,
                v7,
                v8,
                v9,
                v10,
                v11,
                v12,
                v13,
                v14,
                v15,
                v16,
                v17,
                v18,
                v19,
                v20,
                v21,
                v22,
                v23,
            ) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17,
                v18, v19, v20, v21, v22, v23, value,
            ))
        }

        /// Sets the [`shoulder_entity_left` field](Player#structfield.shoulder_entity_left) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn shoulder_entity_left_as_null(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            (),
        )> {
            self.shoulder_entity_left(())
        }
    }

    impl<
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
        >
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
        )>
    {
        /// Setter for the [`shoulder_entity_right` field](Player#structfield.shoulder_entity_right).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn shoulder_entity_right<T25>(
            self,
            value: T25,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
        )>
        where
            T25: ::planus::WriteAsOptional<::planus::Offset<self::Entity>>,
        {
            let (
                v0,
                v1,
                v2,
                v3,
                v4,
                v5,
                v6,
                v7,
                v8,
                v9,
                v10,
                v11,
                v12,
                v13,
                v14,
                v15,
                v16,
                v17,
                v18,
                v19,
                v20,
                v21,
                v22,
                v23,
                v24,
            ) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17,
                v18, v19, v20, v21, v22, v23, v24, value,
            ))
        }

        /// Sets the [`shoulder_entity_right` field](Player#structfield.shoulder_entity_right) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn shoulder_entity_right_as_null(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            (),
        )> {
            self.shoulder_entity_right(())
        }
    }

    impl<
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
        >
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
        )>
    {
        /// Setter for the [`seen_credits` field](Player#structfield.seen_credits).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn seen_credits<T26>(
            self,
            value: T26,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
            T26,
        )>
        where
            T26: ::planus::WriteAsDefault<bool, bool>,
        {
            let (
                v0,
                v1,
                v2,
                v3,
                v4,
                v5,
                v6,
                v7,
                v8,
                v9,
                v10,
                v11,
                v12,
                v13,
                v14,
                v15,
                v16,
                v17,
                v18,
                v19,
                v20,
                v21,
                v22,
                v23,
                v24,
                v25,
            ) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17,
                v18, v19, v20, v21, v22, v23, v24, v25, value,
            ))
        }

        /// Sets the [`seen_credits` field](Player#structfield.seen_credits) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn seen_credits_as_default(
            self,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
            ::planus::DefaultValue,
        )> {
            self.seen_credits(::planus::DefaultValue)
        }
    }

    impl<
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
            T26,
        >
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
            T26,
        )>
    {
        /// Setter for the [`recipe_book` field](Player#structfield.recipe_book).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn recipe_book<T27>(
            self,
            value: T27,
        ) -> PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
            T26,
            T27,
        )>
        where
            T27: ::planus::WriteAs<::planus::Offset<self::RecipeBook>>,
        {
            let (
                v0,
                v1,
                v2,
                v3,
                v4,
                v5,
                v6,
                v7,
                v8,
                v9,
                v10,
                v11,
                v12,
                v13,
                v14,
                v15,
                v16,
                v17,
                v18,
                v19,
                v20,
                v21,
                v22,
                v23,
                v24,
                v25,
                v26,
            ) = self.0;
            PlayerBuilder((
                v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17,
                v18, v19, v20, v21, v22, v23, v24, v25, v26, value,
            ))
        }
    }

    impl<
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
            T26,
            T27,
        >
        PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
            T26,
            T27,
        )>
    {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Player].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Player>
        where
            Self: ::planus::WriteAsOffset<Player>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<self::GameType, self::GameType>,
            T1: ::planus::WriteAsDefault<self::GameType, self::GameType>,
            T2: ::planus::WriteAsDefault<i64, i64>,
            T3: ::planus::WriteAs<::planus::Offset<str>>,
            T4: ::planus::WriteAsDefault<u32, u32>,
            T5: ::planus::WriteAs<::planus::Offset<self::Item>>,
            T6: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            T7: ::planus::WriteAsDefault<i64, i64>,
            T8: ::planus::WriteAsDefault<i64, i64>,
            T9: ::planus::WriteAsDefault<i64, i64>,
            T10: ::planus::WriteAsOptional<bool>,
            T11: ::planus::WriteAsDefault<u16, u16>,
            T12: ::planus::WriteAsDefault<f32, f32>,
            T13: ::planus::WriteAsDefault<f32, f32>,
            T14: ::planus::WriteAsDefault<u32, u32>,
            T15: ::planus::WriteAsDefault<u32, u32>,
            T16: ::planus::WriteAsDefault<f32, f32>,
            T17: ::planus::WriteAsDefault<i32, i32>,
            T18: ::planus::WriteAsDefault<i32, i32>,
            T19: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Item>]>>,
            T20: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Item>]>>,
            T21: ::planus::WriteAs<self::Abilities>,
            T22: ::planus::WriteAsOptional<self::Vector3d>,
            T23: ::planus::WriteAsOptional<::planus::Offset<self::Vehicle>>,
            T24: ::planus::WriteAsOptional<::planus::Offset<self::Entity>>,
            T25: ::planus::WriteAsOptional<::planus::Offset<self::Entity>>,
            T26: ::planus::WriteAsDefault<bool, bool>,
            T27: ::planus::WriteAs<::planus::Offset<self::RecipeBook>>,
        > ::planus::WriteAs<::planus::Offset<Player>>
        for PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
            T26,
            T27,
        )>
    {
        type Prepared = ::planus::Offset<Player>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Player> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<self::GameType, self::GameType>,
            T1: ::planus::WriteAsDefault<self::GameType, self::GameType>,
            T2: ::planus::WriteAsDefault<i64, i64>,
            T3: ::planus::WriteAs<::planus::Offset<str>>,
            T4: ::planus::WriteAsDefault<u32, u32>,
            T5: ::planus::WriteAs<::planus::Offset<self::Item>>,
            T6: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            T7: ::planus::WriteAsDefault<i64, i64>,
            T8: ::planus::WriteAsDefault<i64, i64>,
            T9: ::planus::WriteAsDefault<i64, i64>,
            T10: ::planus::WriteAsOptional<bool>,
            T11: ::planus::WriteAsDefault<u16, u16>,
            T12: ::planus::WriteAsDefault<f32, f32>,
            T13: ::planus::WriteAsDefault<f32, f32>,
            T14: ::planus::WriteAsDefault<u32, u32>,
            T15: ::planus::WriteAsDefault<u32, u32>,
            T16: ::planus::WriteAsDefault<f32, f32>,
            T17: ::planus::WriteAsDefault<i32, i32>,
            T18: ::planus::WriteAsDefault<i32, i32>,
            T19: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Item>]>>,
            T20: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Item>]>>,
            T21: ::planus::WriteAs<self::Abilities>,
            T22: ::planus::WriteAsOptional<self::Vector3d>,
            T23: ::planus::WriteAsOptional<::planus::Offset<self::Vehicle>>,
            T24: ::planus::WriteAsOptional<::planus::Offset<self::Entity>>,
            T25: ::planus::WriteAsOptional<::planus::Offset<self::Entity>>,
            T26: ::planus::WriteAsDefault<bool, bool>,
            T27: ::planus::WriteAs<::planus::Offset<self::RecipeBook>>,
        > ::planus::WriteAsOptional<::planus::Offset<Player>>
        for PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
            T26,
            T27,
        )>
    {
        type Prepared = ::planus::Offset<Player>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Player>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<self::GameType, self::GameType>,
            T1: ::planus::WriteAsDefault<self::GameType, self::GameType>,
            T2: ::planus::WriteAsDefault<i64, i64>,
            T3: ::planus::WriteAs<::planus::Offset<str>>,
            T4: ::planus::WriteAsDefault<u32, u32>,
            T5: ::planus::WriteAs<::planus::Offset<self::Item>>,
            T6: ::planus::WriteAsOptional<::planus::Offset<::core::primitive::str>>,
            T7: ::planus::WriteAsDefault<i64, i64>,
            T8: ::planus::WriteAsDefault<i64, i64>,
            T9: ::planus::WriteAsDefault<i64, i64>,
            T10: ::planus::WriteAsOptional<bool>,
            T11: ::planus::WriteAsDefault<u16, u16>,
            T12: ::planus::WriteAsDefault<f32, f32>,
            T13: ::planus::WriteAsDefault<f32, f32>,
            T14: ::planus::WriteAsDefault<u32, u32>,
            T15: ::planus::WriteAsDefault<u32, u32>,
            T16: ::planus::WriteAsDefault<f32, f32>,
            T17: ::planus::WriteAsDefault<i32, i32>,
            T18: ::planus::WriteAsDefault<i32, i32>,
            T19: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Item>]>>,
            T20: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Item>]>>,
            T21: ::planus::WriteAs<self::Abilities>,
            T22: ::planus::WriteAsOptional<self::Vector3d>,
            T23: ::planus::WriteAsOptional<::planus::Offset<self::Vehicle>>,
            T24: ::planus::WriteAsOptional<::planus::Offset<self::Entity>>,
            T25: ::planus::WriteAsOptional<::planus::Offset<self::Entity>>,
            T26: ::planus::WriteAsDefault<bool, bool>,
            T27: ::planus::WriteAs<::planus::Offset<self::RecipeBook>>,
        > ::planus::WriteAsOffset<Player>
        for PlayerBuilder<(
            T0,
            T1,
            T2,
            T3,
            T4,
            T5,
            T6,
            T7,
            T8,
            T9,
            T10,
            T11,
            T12,
            T13,
            T14,
            T15,
            T16,
            T17,
            T18,
            T19,
            T20,
            T21,
            T22,
            T23,
            T24,
            T25,
            T26,
            T27,
        )>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Player> {
            let (
                v0,
                v1,
                v2,
                v3,
                v4,
                v5,
                v6,
                v7,
                v8,
                v9,
                v10,
                v11,
                v12,
                v13,
                v14,
                v15,
                v16,
                v17,
                v18,
                v19,
                v20,
                v21,
                v22,
                v23,
                v24,
                v25,
                v26,
                v27,
            ) = &self.0;
            Player::create(
                builder, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16,
                v17, v18, v19, v20, v21, v22, v23, v24, v25, v26, v27,
            )
        }
    }

    /// Reference to a deserialized [Player].
    #[derive(Copy, Clone)]
    pub struct PlayerRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> PlayerRef<'a> {
        /// Getter for the [`game_type` field](Player#structfield.game_type).
        #[inline]
        pub fn game_type(&self) -> ::planus::Result<self::GameType> {
            ::core::result::Result::Ok(
                self.0
                    .access(0, "Player", "game_type")?
                    .unwrap_or(self::GameType::Survival),
            )
        }

        /// Getter for the [`previous_game_type` field](Player#structfield.previous_game_type).
        #[inline]
        pub fn previous_game_type(&self) -> ::planus::Result<self::GameType> {
            ::core::result::Result::Ok(
                self.0
                    .access(1, "Player", "previous_game_type")?
                    .unwrap_or(self::GameType::Survival),
            )
        }

        /// Getter for the [`score` field](Player#structfield.score).
        #[inline]
        pub fn score(&self) -> ::planus::Result<i64> {
            ::core::result::Result::Ok(self.0.access(2, "Player", "score")?.unwrap_or(0))
        }

        /// Getter for the [`dimension` field](Player#structfield.dimension).
        #[inline]
        pub fn dimension(&self) -> ::planus::Result<&'a ::core::primitive::str> {
            self.0.access_required(3, "Player", "dimension")
        }

        /// Getter for the [`selected_item_slot` field](Player#structfield.selected_item_slot).
        #[inline]
        pub fn selected_item_slot(&self) -> ::planus::Result<u32> {
            ::core::result::Result::Ok(
                self.0
                    .access(4, "Player", "selected_item_slot")?
                    .unwrap_or(0),
            )
        }

        /// Getter for the [`selected_item` field](Player#structfield.selected_item).
        #[inline]
        pub fn selected_item(&self) -> ::planus::Result<self::ItemRef<'a>> {
            self.0.access_required(5, "Player", "selected_item")
        }

        /// Getter for the [`spawn_dimension` field](Player#structfield.spawn_dimension).
        #[inline]
        pub fn spawn_dimension(
            &self,
        ) -> ::planus::Result<::core::option::Option<&'a ::core::primitive::str>> {
            self.0.access(6, "Player", "spawn_dimension")
        }

        /// Getter for the [`spawn_x` field](Player#structfield.spawn_x).
        #[inline]
        pub fn spawn_x(&self) -> ::planus::Result<i64> {
            ::core::result::Result::Ok(self.0.access(7, "Player", "spawn_x")?.unwrap_or(0))
        }

        /// Getter for the [`spawn_y` field](Player#structfield.spawn_y).
        #[inline]
        pub fn spawn_y(&self) -> ::planus::Result<i64> {
            ::core::result::Result::Ok(self.0.access(8, "Player", "spawn_y")?.unwrap_or(0))
        }

        /// Getter for the [`spawn_z` field](Player#structfield.spawn_z).
        #[inline]
        pub fn spawn_z(&self) -> ::planus::Result<i64> {
            ::core::result::Result::Ok(self.0.access(9, "Player", "spawn_z")?.unwrap_or(0))
        }

        /// Getter for the [`spawn_forced` field](Player#structfield.spawn_forced).
        #[inline]
        pub fn spawn_forced(&self) -> ::planus::Result<::core::option::Option<bool>> {
            self.0.access(10, "Player", "spawn_forced")
        }

        /// Getter for the [`sleep_timer` field](Player#structfield.sleep_timer).
        #[inline]
        pub fn sleep_timer(&self) -> ::planus::Result<u16> {
            ::core::result::Result::Ok(self.0.access(11, "Player", "sleep_timer")?.unwrap_or(0))
        }

        /// Getter for the [`food_exhaustion_level` field](Player#structfield.food_exhaustion_level).
        #[inline]
        pub fn food_exhaustion_level(&self) -> ::planus::Result<f32> {
            ::core::result::Result::Ok(
                self.0
                    .access(12, "Player", "food_exhaustion_level")?
                    .unwrap_or(0.0),
            )
        }

        /// Getter for the [`food_saturation_level` field](Player#structfield.food_saturation_level).
        #[inline]
        pub fn food_saturation_level(&self) -> ::planus::Result<f32> {
            ::core::result::Result::Ok(
                self.0
                    .access(13, "Player", "food_saturation_level")?
                    .unwrap_or(0.0),
            )
        }

        /// Getter for the [`food_tick_timer` field](Player#structfield.food_tick_timer).
        #[inline]
        pub fn food_tick_timer(&self) -> ::planus::Result<u32> {
            ::core::result::Result::Ok(self.0.access(14, "Player", "food_tick_timer")?.unwrap_or(0))
        }

        /// Getter for the [`xp_level` field](Player#structfield.xp_level).
        #[inline]
        pub fn xp_level(&self) -> ::planus::Result<u32> {
            ::core::result::Result::Ok(self.0.access(15, "Player", "xp_level")?.unwrap_or(0))
        }

        /// Getter for the [`xp_p` field](Player#structfield.xp_p).
        #[inline]
        pub fn xp_p(&self) -> ::planus::Result<f32> {
            ::core::result::Result::Ok(self.0.access(16, "Player", "xp_p")?.unwrap_or(0.0))
        }

        /// Getter for the [`xp_total` field](Player#structfield.xp_total).
        #[inline]
        pub fn xp_total(&self) -> ::planus::Result<i32> {
            ::core::result::Result::Ok(self.0.access(17, "Player", "xp_total")?.unwrap_or(0))
        }

        /// Getter for the [`xp_seed` field](Player#structfield.xp_seed).
        #[inline]
        pub fn xp_seed(&self) -> ::planus::Result<i32> {
            ::core::result::Result::Ok(self.0.access(18, "Player", "xp_seed")?.unwrap_or(0))
        }

        /// Getter for the [`inventory` field](Player#structfield.inventory).
        #[inline]
        pub fn inventory(
            &self,
        ) -> ::planus::Result<::planus::Vector<'a, ::planus::Result<self::ItemRef<'a>>>> {
            self.0.access_required(19, "Player", "inventory")
        }

        /// Getter for the [`ender_items` field](Player#structfield.ender_items).
        #[inline]
        pub fn ender_items(
            &self,
        ) -> ::planus::Result<::planus::Vector<'a, ::planus::Result<self::ItemRef<'a>>>> {
            self.0.access_required(20, "Player", "ender_items")
        }

        /// Getter for the [`abilities` field](Player#structfield.abilities).
        #[inline]
        pub fn abilities(&self) -> ::planus::Result<self::AbilitiesRef<'a>> {
            self.0.access_required(21, "Player", "abilities")
        }

        /// Getter for the [`entered_nether_position` field](Player#structfield.entered_nether_position).
        #[inline]
        pub fn entered_nether_position(
            &self,
        ) -> ::planus::Result<::core::option::Option<self::Vector3dRef<'a>>> {
            self.0.access(22, "Player", "entered_nether_position")
        }

        /// Getter for the [`root_vehicle` field](Player#structfield.root_vehicle).
        #[inline]
        pub fn root_vehicle(
            &self,
        ) -> ::planus::Result<::core::option::Option<self::VehicleRef<'a>>> {
            self.0.access(23, "Player", "root_vehicle")
        }

        /// Getter for the [`shoulder_entity_left` field](Player#structfield.shoulder_entity_left).
        #[inline]
        pub fn shoulder_entity_left(
            &self,
        ) -> ::planus::Result<::core::option::Option<self::EntityRef<'a>>> {
            self.0.access(24, "Player", "shoulder_entity_left")
        }

        /// Getter for the [`shoulder_entity_right` field](Player#structfield.shoulder_entity_right).
        #[inline]
        pub fn shoulder_entity_right(
            &self,
        ) -> ::planus::Result<::core::option::Option<self::EntityRef<'a>>> {
            self.0.access(25, "Player", "shoulder_entity_right")
        }

        /// Getter for the [`seen_credits` field](Player#structfield.seen_credits).
        #[inline]
        pub fn seen_credits(&self) -> ::planus::Result<bool> {
            ::core::result::Result::Ok(
                self.0
                    .access(26, "Player", "seen_credits")?
                    .unwrap_or(false),
            )
        }

        /// Getter for the [`recipe_book` field](Player#structfield.recipe_book).
        #[inline]
        pub fn recipe_book(&self) -> ::planus::Result<self::RecipeBookRef<'a>> {
            self.0.access_required(27, "Player", "recipe_book")
        }
    }

    impl<'a> ::core::fmt::Debug for PlayerRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("PlayerRef");
            f.field("game_type", &self.game_type());
            f.field("previous_game_type", &self.previous_game_type());
            f.field("score", &self.score());
            f.field("dimension", &self.dimension());
            f.field("selected_item_slot", &self.selected_item_slot());
            f.field("selected_item", &self.selected_item());
            if let ::core::option::Option::Some(field_spawn_dimension) =
                self.spawn_dimension().transpose()
            {
                f.field("spawn_dimension", &field_spawn_dimension);
            }
            f.field("spawn_x", &self.spawn_x());
            f.field("spawn_y", &self.spawn_y());
            f.field("spawn_z", &self.spawn_z());
            if let ::core::option::Option::Some(field_spawn_forced) =
                self.spawn_forced().transpose()
            {
                f.field("spawn_forced", &field_spawn_forced);
            }
            f.field("sleep_timer", &self.sleep_timer());
            f.field("food_exhaustion_level", &self.food_exhaustion_level());
            f.field("food_saturation_level", &self.food_saturation_level());
            f.field("food_tick_timer", &self.food_tick_timer());
            f.field("xp_level", &self.xp_level());
            f.field("xp_p", &self.xp_p());
            f.field("xp_total", &self.xp_total());
            f.field("xp_seed", &self.xp_seed());
            f.field("inventory", &self.inventory());
            f.field("ender_items", &self.ender_items());
            f.field("abilities", &self.abilities());
            if let ::core::option::Option::Some(field_entered_nether_position) =
                self.entered_nether_position().transpose()
            {
                f.field("entered_nether_position", &field_entered_nether_position);
            }
            if let ::core::option::Option::Some(field_root_vehicle) =
                self.root_vehicle().transpose()
            {
                f.field("root_vehicle", &field_root_vehicle);
            }
            if let ::core::option::Option::Some(field_shoulder_entity_left) =
                self.shoulder_entity_left().transpose()
            {
                f.field("shoulder_entity_left", &field_shoulder_entity_left);
            }
            if let ::core::option::Option::Some(field_shoulder_entity_right) =
                self.shoulder_entity_right().transpose()
            {
                f.field("shoulder_entity_right", &field_shoulder_entity_right);
            }
            f.field("seen_credits", &self.seen_credits());
            f.field("recipe_book", &self.recipe_book());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<PlayerRef<'a>> for Player {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: PlayerRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                game_type: ::core::convert::TryInto::try_into(value.game_type()?)?,
                previous_game_type: ::core::convert::TryInto::try_into(
                    value.previous_game_type()?,
                )?,
                score: ::core::convert::TryInto::try_into(value.score()?)?,
                dimension: ::core::convert::Into::into(value.dimension()?),
                selected_item_slot: ::core::convert::TryInto::try_into(
                    value.selected_item_slot()?,
                )?,
                selected_item: ::planus::alloc::boxed::Box::new(
                    ::core::convert::TryInto::try_into(value.selected_item()?)?,
                ),
                spawn_dimension: value.spawn_dimension()?.map(::core::convert::Into::into),
                spawn_x: ::core::convert::TryInto::try_into(value.spawn_x()?)?,
                spawn_y: ::core::convert::TryInto::try_into(value.spawn_y()?)?,
                spawn_z: ::core::convert::TryInto::try_into(value.spawn_z()?)?,
                spawn_forced: if let ::core::option::Option::Some(spawn_forced) =
                    value.spawn_forced()?
                {
                    ::core::option::Option::Some(::core::convert::TryInto::try_into(spawn_forced)?)
                } else {
                    ::core::option::Option::None
                },
                sleep_timer: ::core::convert::TryInto::try_into(value.sleep_timer()?)?,
                food_exhaustion_level: ::core::convert::TryInto::try_into(
                    value.food_exhaustion_level()?,
                )?,
                food_saturation_level: ::core::convert::TryInto::try_into(
                    value.food_saturation_level()?,
                )?,
                food_tick_timer: ::core::convert::TryInto::try_into(value.food_tick_timer()?)?,
                xp_level: ::core::convert::TryInto::try_into(value.xp_level()?)?,
                xp_p: ::core::convert::TryInto::try_into(value.xp_p()?)?,
                xp_total: ::core::convert::TryInto::try_into(value.xp_total()?)?,
                xp_seed: ::core::convert::TryInto::try_into(value.xp_seed()?)?,
                inventory: value.inventory()?.to_vec_result()?,
                ender_items: value.ender_items()?.to_vec_result()?,
                abilities: ::core::convert::Into::into(value.abilities()?),
                entered_nether_position: value
                    .entered_nether_position()?
                    .map(::core::convert::Into::into),
                root_vehicle: if let ::core::option::Option::Some(root_vehicle) =
                    value.root_vehicle()?
                {
                    ::core::option::Option::Some(::planus::alloc::boxed::Box::new(
                        ::core::convert::TryInto::try_into(root_vehicle)?,
                    ))
                } else {
                    ::core::option::Option::None
                },
                shoulder_entity_left: if let ::core::option::Option::Some(shoulder_entity_left) =
                    value.shoulder_entity_left()?
                {
                    ::core::option::Option::Some(::planus::alloc::boxed::Box::new(
                        ::core::convert::TryInto::try_into(shoulder_entity_left)?,
                    ))
                } else {
                    ::core::option::Option::None
                },
                shoulder_entity_right: if let ::core::option::Option::Some(shoulder_entity_right) =
                    value.shoulder_entity_right()?
                {
                    ::core::option::Option::Some(::planus::alloc::boxed::Box::new(
                        ::core::convert::TryInto::try_into(shoulder_entity_right)?,
                    ))
                } else {
                    ::core::option::Option::None
                },
                seen_credits: ::core::convert::TryInto::try_into(value.seen_credits()?)?,
                recipe_book: ::planus::alloc::boxed::Box::new(::core::convert::TryInto::try_into(
                    value.recipe_book()?,
                )?),
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for PlayerRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for PlayerRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[PlayerRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Player>> for Player {
        type Value = ::planus::Offset<Player>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Player>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for PlayerRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[PlayerRef]", "read_as_root", 0))
        }
    }
}
