pub use root::*;

const _: () = ::planus::check_version_compatibility("planus-1.3.0");

/// The root namespace
///
/// Generated from these locations:
/// * File `mk48.fbs`
#[no_implicit_prelude]
#[allow(clippy::needless_lifetimes)]
mod root {
    /// The enum `EntityType`
    ///
    /// Generated from these locations:
    /// * Enum `EntityType` in the file `mk48.fbs:3`
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
    pub enum EntityType {
        /// The variant `ArleighBurke` in the enum `EntityType`
        ArleighBurke = 0,

        /// The variant `Bismarck` in the enum `EntityType`
        Bismarck = 1,

        /// The variant `Clemenceau` in the enum `EntityType`
        Clemenceau = 2,

        /// The variant `Fletcher` in the enum `EntityType`
        Fletcher = 3,

        /// The variant `G5` in the enum `EntityType`
        G5 = 4,

        /// The variant `Iowa` in the enum `EntityType`
        Iowa = 5,

        /// The variant `Kolkata` in the enum `EntityType`
        Kolkata = 6,

        /// The variant `Osa` in the enum `EntityType`
        Osa = 7,

        /// The variant `Yasen` in the enum `EntityType`
        Yasen = 8,

        /// The variant `Zubr` in the enum `EntityType`
        Zubr = 9,
    }

    impl EntityType {
        /// Array containing all valid variants of EntityType
        pub const ENUM_VALUES: [Self; 10] = [
            Self::ArleighBurke,
            Self::Bismarck,
            Self::Clemenceau,
            Self::Fletcher,
            Self::G5,
            Self::Iowa,
            Self::Kolkata,
            Self::Osa,
            Self::Yasen,
            Self::Zubr,
        ];
    }

    impl ::core::convert::TryFrom<u8> for EntityType {
        type Error = ::planus::errors::UnknownEnumTagKind;
        #[inline]
        fn try_from(
            value: u8,
        ) -> ::core::result::Result<Self, ::planus::errors::UnknownEnumTagKind> {
            #[allow(clippy::match_single_binding)]
            match value {
                0 => ::core::result::Result::Ok(EntityType::ArleighBurke),
                1 => ::core::result::Result::Ok(EntityType::Bismarck),
                2 => ::core::result::Result::Ok(EntityType::Clemenceau),
                3 => ::core::result::Result::Ok(EntityType::Fletcher),
                4 => ::core::result::Result::Ok(EntityType::G5),
                5 => ::core::result::Result::Ok(EntityType::Iowa),
                6 => ::core::result::Result::Ok(EntityType::Kolkata),
                7 => ::core::result::Result::Ok(EntityType::Osa),
                8 => ::core::result::Result::Ok(EntityType::Yasen),
                9 => ::core::result::Result::Ok(EntityType::Zubr),

                _ => ::core::result::Result::Err(::planus::errors::UnknownEnumTagKind {
                    tag: value as i128,
                }),
            }
        }
    }

    impl ::core::convert::From<EntityType> for u8 {
        #[inline]
        fn from(value: EntityType) -> Self {
            value as u8
        }
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for EntityType {
        const ALIGNMENT: usize = 1;
        const SIZE: usize = 1;
    }

    impl ::planus::WriteAsPrimitive<EntityType> for EntityType {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            (*self as u8).write(cursor, buffer_position);
        }
    }

    impl ::planus::WriteAs<EntityType> for EntityType {
        type Prepared = Self;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> EntityType {
            *self
        }
    }

    impl ::planus::WriteAsDefault<EntityType, EntityType> for EntityType {
        type Prepared = Self;

        #[inline]
        fn prepare(
            &self,
            _builder: &mut ::planus::Builder,
            default: &EntityType,
        ) -> ::core::option::Option<EntityType> {
            if self == default {
                ::core::option::Option::None
            } else {
                ::core::option::Option::Some(*self)
            }
        }
    }

    impl ::planus::WriteAsOptional<EntityType> for EntityType {
        type Prepared = Self;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<EntityType> {
            ::core::option::Option::Some(*self)
        }
    }

    impl<'buf> ::planus::TableRead<'buf> for EntityType {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'buf>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let n: u8 = ::planus::TableRead::from_buffer(buffer, offset)?;
            ::core::result::Result::Ok(::core::convert::TryInto::try_into(n)?)
        }
    }

    impl<'buf> ::planus::VectorReadInner<'buf> for EntityType {
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
                    "EntityType",
                    "VectorRead::from_buffer",
                    buffer.offset_from_start,
                )
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<EntityType> for EntityType {
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

    /// The struct `Guidance`
    ///
    /// Generated from these locations:
    /// * Struct `Guidance` in the file `mk48.fbs:16`
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
    pub struct Guidance {
        /// The field `angle` in the struct `Guidance`
        pub angle: u16,

        /// The field `submerge` in the struct `Guidance`
        pub submerge: bool,

        /// The field `velocity` in the struct `Guidance`
        pub velocity: i16,
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for Guidance {
        const ALIGNMENT: usize = 2;
        const SIZE: usize = 6;
    }

    #[allow(clippy::identity_op)]
    impl ::planus::WriteAsPrimitive<Guidance> for Guidance {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            let (cur, cursor) = cursor.split::<2, 4>();
            self.angle.write(cur, buffer_position - 0);
            let (cur, cursor) = cursor.split::<1, 3>();
            self.submerge.write(cur, buffer_position - 2);
            let cursor = cursor.write::<1, 2>([0; 1]);
            let (cur, cursor) = cursor.split::<2, 0>();
            self.velocity.write(cur, buffer_position - 4);
            cursor.finish([]);
        }
    }

    impl ::planus::WriteAsOffset<Guidance> for Guidance {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Guidance> {
            unsafe {
                builder.write_with(6, 1, |buffer_position, bytes| {
                    let bytes = bytes.as_mut_ptr();

                    ::planus::WriteAsPrimitive::write(
                        self,
                        ::planus::Cursor::new(
                            &mut *(bytes as *mut [::core::mem::MaybeUninit<u8>; 6]),
                        ),
                        buffer_position,
                    );
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<Guidance> for Guidance {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }
    }

    impl ::planus::WriteAsOptional<Guidance> for Guidance {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(*self)
        }
    }

    /// Reference to a deserialized [Guidance].
    #[derive(Copy, Clone)]
    pub struct GuidanceRef<'a>(::planus::ArrayWithStartOffset<'a, 6>);

    impl<'a> GuidanceRef<'a> {
        /// Getter for the [`angle` field](Guidance#structfield.angle).
        pub fn angle(&self) -> u16 {
            let buffer = self.0.advance_as_array::<2>(0).unwrap();

            u16::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`submerge` field](Guidance#structfield.submerge).
        pub fn submerge(&self) -> bool {
            let buffer = self.0.advance_as_array::<1>(2).unwrap();

            buffer.as_array()[0] != 0
        }

        /// Getter for the [`velocity` field](Guidance#structfield.velocity).
        pub fn velocity(&self) -> i16 {
            let buffer = self.0.advance_as_array::<2>(4).unwrap();

            i16::from_le_bytes(*buffer.as_array())
        }
    }

    impl<'a> ::core::fmt::Debug for GuidanceRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("GuidanceRef");
            f.field("angle", &self.angle());
            f.field("submerge", &self.submerge());
            f.field("velocity", &self.velocity());
            f.finish()
        }
    }

    impl<'a> ::core::convert::From<::planus::ArrayWithStartOffset<'a, 6>> for GuidanceRef<'a> {
        fn from(array: ::planus::ArrayWithStartOffset<'a, 6>) -> Self {
            Self(array)
        }
    }

    impl<'a> ::core::convert::From<GuidanceRef<'a>> for Guidance {
        #[allow(unreachable_code)]
        fn from(value: GuidanceRef<'a>) -> Self {
            Self {
                angle: value.angle(),
                submerge: value.submerge(),
                velocity: value.velocity(),
            }
        }
    }

    impl<'a, 'b> ::core::cmp::PartialEq<GuidanceRef<'a>> for GuidanceRef<'b> {
        fn eq(&self, other: &GuidanceRef<'_>) -> bool {
            self.angle() == other.angle()
                && self.submerge() == other.submerge()
                && self.velocity() == other.velocity()
        }
    }

    impl<'a> ::core::cmp::Eq for GuidanceRef<'a> {}
    impl<'a, 'b> ::core::cmp::PartialOrd<GuidanceRef<'a>> for GuidanceRef<'b> {
        fn partial_cmp(
            &self,
            other: &GuidanceRef<'_>,
        ) -> ::core::option::Option<::core::cmp::Ordering> {
            ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
        }
    }

    impl<'a> ::core::cmp::Ord for GuidanceRef<'a> {
        fn cmp(&self, other: &GuidanceRef<'_>) -> ::core::cmp::Ordering {
            self.angle()
                .cmp(&other.angle())
                .then_with(|| self.submerge().cmp(&other.submerge()))
                .then_with(|| self.velocity().cmp(&other.velocity()))
        }
    }

    impl<'a> ::core::hash::Hash for GuidanceRef<'a> {
        fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
            self.angle().hash(state);
            self.submerge().hash(state);
            self.velocity().hash(state);
        }
    }

    impl<'a> ::planus::TableRead<'a> for GuidanceRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let buffer = buffer.advance_as_array::<6>(offset)?;
            ::core::result::Result::Ok(Self(buffer))
        }
    }

    impl<'a> ::planus::VectorRead<'a> for GuidanceRef<'a> {
        const STRIDE: usize = 6;

        #[inline]
        unsafe fn from_buffer(buffer: ::planus::SliceWithStartOffset<'a>, offset: usize) -> Self {
            Self(unsafe { buffer.unchecked_advance_as_array(offset) })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<Guidance> for Guidance {
        const STRIDE: usize = 6;

        type Value = Guidance;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self::Value {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[Guidance],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 6];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (6 * i) as u32,
                );
            }
        }
    }

    /// The struct `Vector2f`
    ///
    /// Generated from these locations:
    /// * Struct `Vector2f` in the file `mk48.fbs:22`
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

    /// The struct `Transform`
    ///
    /// Generated from these locations:
    /// * Struct `Transform` in the file `mk48.fbs:27`
    #[derive(
        Copy, Clone, Debug, PartialEq, PartialOrd, Default, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Transform {
        /// The field `altitude` in the struct `Transform`
        pub altitude: i8,

        /// The field `angle` in the struct `Transform`
        pub angle: u16,

        /// The field `position` in the struct `Transform`
        pub position: self::Vector2f,

        /// The field `velocity` in the struct `Transform`
        pub velocity: i16,
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for Transform {
        const ALIGNMENT: usize = 4;
        const SIZE: usize = 16;
    }

    #[allow(clippy::identity_op)]
    impl ::planus::WriteAsPrimitive<Transform> for Transform {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            let (cur, cursor) = cursor.split::<1, 15>();
            self.altitude.write(cur, buffer_position - 0);
            let cursor = cursor.write::<1, 14>([0; 1]);
            let (cur, cursor) = cursor.split::<2, 12>();
            self.angle.write(cur, buffer_position - 2);
            let (cur, cursor) = cursor.split::<8, 4>();
            self.position.write(cur, buffer_position - 4);
            let (cur, cursor) = cursor.split::<2, 2>();
            self.velocity.write(cur, buffer_position - 12);
            let cursor = cursor.write::<2, 0>([0; 2]);
            cursor.finish([]);
        }
    }

    impl ::planus::WriteAsOffset<Transform> for Transform {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Transform> {
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

    impl ::planus::WriteAs<Transform> for Transform {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }
    }

    impl ::planus::WriteAsOptional<Transform> for Transform {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(*self)
        }
    }

    /// Reference to a deserialized [Transform].
    #[derive(Copy, Clone)]
    pub struct TransformRef<'a>(::planus::ArrayWithStartOffset<'a, 16>);

    impl<'a> TransformRef<'a> {
        /// Getter for the [`altitude` field](Transform#structfield.altitude).
        pub fn altitude(&self) -> i8 {
            let buffer = self.0.advance_as_array::<1>(0).unwrap();

            i8::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`angle` field](Transform#structfield.angle).
        pub fn angle(&self) -> u16 {
            let buffer = self.0.advance_as_array::<2>(2).unwrap();

            u16::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`position` field](Transform#structfield.position).
        pub fn position(&self) -> self::Vector2fRef<'a> {
            let buffer = self.0.advance_as_array::<8>(4).unwrap();

            ::core::convert::From::from(buffer)
        }

        /// Getter for the [`velocity` field](Transform#structfield.velocity).
        pub fn velocity(&self) -> i16 {
            let buffer = self.0.advance_as_array::<2>(12).unwrap();

            i16::from_le_bytes(*buffer.as_array())
        }
    }

    impl<'a> ::core::fmt::Debug for TransformRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("TransformRef");
            f.field("altitude", &self.altitude());
            f.field("angle", &self.angle());
            f.field("position", &self.position());
            f.field("velocity", &self.velocity());
            f.finish()
        }
    }

    impl<'a> ::core::convert::From<::planus::ArrayWithStartOffset<'a, 16>> for TransformRef<'a> {
        fn from(array: ::planus::ArrayWithStartOffset<'a, 16>) -> Self {
            Self(array)
        }
    }

    impl<'a> ::core::convert::From<TransformRef<'a>> for Transform {
        #[allow(unreachable_code)]
        fn from(value: TransformRef<'a>) -> Self {
            Self {
                altitude: value.altitude(),
                angle: value.angle(),
                position: ::core::convert::From::from(value.position()),
                velocity: value.velocity(),
            }
        }
    }

    impl<'a, 'b> ::core::cmp::PartialEq<TransformRef<'a>> for TransformRef<'b> {
        fn eq(&self, other: &TransformRef<'_>) -> bool {
            self.altitude() == other.altitude()
                && self.angle() == other.angle()
                && self.position() == other.position()
                && self.velocity() == other.velocity()
        }
    }

    impl<'a, 'b> ::core::cmp::PartialOrd<TransformRef<'a>> for TransformRef<'b> {
        fn partial_cmp(
            &self,
            other: &TransformRef<'_>,
        ) -> ::core::option::Option<::core::cmp::Ordering> {
            match self.altitude().partial_cmp(&other.altitude()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            match self.angle().partial_cmp(&other.angle()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            match self.position().partial_cmp(&other.position()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            self.velocity().partial_cmp(&other.velocity())
        }
    }

    impl<'a> ::planus::TableRead<'a> for TransformRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let buffer = buffer.advance_as_array::<16>(offset)?;
            ::core::result::Result::Ok(Self(buffer))
        }
    }

    impl<'a> ::planus::VectorRead<'a> for TransformRef<'a> {
        const STRIDE: usize = 16;

        #[inline]
        unsafe fn from_buffer(buffer: ::planus::SliceWithStartOffset<'a>, offset: usize) -> Self {
            Self(unsafe { buffer.unchecked_advance_as_array(offset) })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<Transform> for Transform {
        const STRIDE: usize = 16;

        type Value = Transform;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self::Value {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[Transform],
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

    /// The table `Contact`
    ///
    /// Generated from these locations:
    /// * Table `Contact` in the file `mk48.fbs:34`
    #[derive(Clone, Debug, PartialEq, PartialOrd, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Contact {
        /// The field `damage` in the table `Contact`
        pub damage: u8,
        /// The field `entity_id` in the table `Contact`
        pub entity_id: u32,
        /// The field `entity_type` in the table `Contact`
        pub entity_type: ::core::option::Option<self::EntityType>,
        /// The field `guidance` in the table `Contact`
        pub guidance: self::Guidance,
        /// The field `player_id` in the table `Contact`
        pub player_id: ::core::option::Option<u16>,
        /// The field `reloads` in the table `Contact`
        pub reloads: ::planus::alloc::vec::Vec<bool>,
        /// The field `transform` in the table `Contact`
        pub transform: self::Transform,
        /// The field `turret_angles` in the table `Contact`
        pub turret_angles: ::planus::alloc::vec::Vec<u16>,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Contact {
        fn default() -> Self {
            Self {
                damage: 0,
                entity_id: 0,
                entity_type: ::core::default::Default::default(),
                guidance: ::core::default::Default::default(),
                player_id: ::core::default::Default::default(),
                reloads: ::core::default::Default::default(),
                transform: ::core::default::Default::default(),
                turret_angles: ::core::default::Default::default(),
            }
        }
    }

    impl Contact {
        /// Creates a [ContactBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> ContactBuilder<()> {
            ContactBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_damage: impl ::planus::WriteAsDefault<u8, u8>,
            field_entity_id: impl ::planus::WriteAsDefault<u32, u32>,
            field_entity_type: impl ::planus::WriteAsOptional<self::EntityType>,
            field_guidance: impl ::planus::WriteAs<self::Guidance>,
            field_player_id: impl ::planus::WriteAsOptional<u16>,
            field_reloads: impl ::planus::WriteAs<::planus::Offset<[bool]>>,
            field_transform: impl ::planus::WriteAs<self::Transform>,
            field_turret_angles: impl ::planus::WriteAs<::planus::Offset<[u16]>>,
        ) -> ::planus::Offset<Self> {
            let prepared_damage = field_damage.prepare(builder, &0);
            let prepared_entity_id = field_entity_id.prepare(builder, &0);
            let prepared_entity_type = field_entity_type.prepare(builder);
            let prepared_guidance = field_guidance.prepare(builder);
            let prepared_player_id = field_player_id.prepare(builder);
            let prepared_reloads = field_reloads.prepare(builder);
            let prepared_transform = field_transform.prepare(builder);
            let prepared_turret_angles = field_turret_angles.prepare(builder);

            let mut table_writer: ::planus::table_writer::TableWriter<20> =
                ::core::default::Default::default();
            if prepared_entity_id.is_some() {
                table_writer.write_entry::<u32>(1);
            }
            table_writer.write_entry::<::planus::Offset<[bool]>>(5);
            table_writer.write_entry::<self::Transform>(6);
            table_writer.write_entry::<::planus::Offset<[u16]>>(7);
            table_writer.write_entry::<self::Guidance>(3);
            if prepared_player_id.is_some() {
                table_writer.write_entry::<u16>(4);
            }
            if prepared_damage.is_some() {
                table_writer.write_entry::<u8>(0);
            }
            if prepared_entity_type.is_some() {
                table_writer.write_entry::<self::EntityType>(2);
            }

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    if let ::core::option::Option::Some(prepared_entity_id) = prepared_entity_id {
                        object_writer.write::<_, _, 4>(&prepared_entity_id);
                    }
                    object_writer.write::<_, _, 4>(&prepared_reloads);
                    object_writer.write::<_, _, 16>(&prepared_transform);
                    object_writer.write::<_, _, 4>(&prepared_turret_angles);
                    object_writer.write::<_, _, 6>(&prepared_guidance);
                    if let ::core::option::Option::Some(prepared_player_id) = prepared_player_id {
                        object_writer.write::<_, _, 2>(&prepared_player_id);
                    }
                    if let ::core::option::Option::Some(prepared_damage) = prepared_damage {
                        object_writer.write::<_, _, 1>(&prepared_damage);
                    }
                    if let ::core::option::Option::Some(prepared_entity_type) = prepared_entity_type
                    {
                        object_writer.write::<_, _, 1>(&prepared_entity_type);
                    }
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Contact>> for Contact {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Contact> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Contact>> for Contact {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Contact>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Contact> for Contact {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Contact> {
            Contact::create(
                builder,
                self.damage,
                self.entity_id,
                self.entity_type,
                self.guidance,
                self.player_id,
                &self.reloads,
                self.transform,
                &self.turret_angles,
            )
        }
    }

    /// Builder for serializing an instance of the [Contact] type.
    ///
    /// Can be created using the [Contact::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct ContactBuilder<State>(State);

    impl ContactBuilder<()> {
        /// Setter for the [`damage` field](Contact#structfield.damage).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn damage<T0>(self, value: T0) -> ContactBuilder<(T0,)>
        where
            T0: ::planus::WriteAsDefault<u8, u8>,
        {
            ContactBuilder((value,))
        }

        /// Sets the [`damage` field](Contact#structfield.damage) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn damage_as_default(self) -> ContactBuilder<(::planus::DefaultValue,)> {
            self.damage(::planus::DefaultValue)
        }
    }

    impl<T0> ContactBuilder<(T0,)> {
        /// Setter for the [`entity_id` field](Contact#structfield.entity_id).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn entity_id<T1>(self, value: T1) -> ContactBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAsDefault<u32, u32>,
        {
            let (v0,) = self.0;
            ContactBuilder((v0, value))
        }

        /// Sets the [`entity_id` field](Contact#structfield.entity_id) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn entity_id_as_default(self) -> ContactBuilder<(T0, ::planus::DefaultValue)> {
            self.entity_id(::planus::DefaultValue)
        }
    }

    impl<T0, T1> ContactBuilder<(T0, T1)> {
        /// Setter for the [`entity_type` field](Contact#structfield.entity_type).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn entity_type<T2>(self, value: T2) -> ContactBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAsOptional<self::EntityType>,
        {
            let (v0, v1) = self.0;
            ContactBuilder((v0, v1, value))
        }

        /// Sets the [`entity_type` field](Contact#structfield.entity_type) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn entity_type_as_null(self) -> ContactBuilder<(T0, T1, ())> {
            self.entity_type(())
        }
    }

    impl<T0, T1, T2> ContactBuilder<(T0, T1, T2)> {
        /// Setter for the [`guidance` field](Contact#structfield.guidance).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn guidance<T3>(self, value: T3) -> ContactBuilder<(T0, T1, T2, T3)>
        where
            T3: ::planus::WriteAs<self::Guidance>,
        {
            let (v0, v1, v2) = self.0;
            ContactBuilder((v0, v1, v2, value))
        }
    }

    impl<T0, T1, T2, T3> ContactBuilder<(T0, T1, T2, T3)> {
        /// Setter for the [`player_id` field](Contact#structfield.player_id).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn player_id<T4>(self, value: T4) -> ContactBuilder<(T0, T1, T2, T3, T4)>
        where
            T4: ::planus::WriteAsOptional<u16>,
        {
            let (v0, v1, v2, v3) = self.0;
            ContactBuilder((v0, v1, v2, v3, value))
        }

        /// Sets the [`player_id` field](Contact#structfield.player_id) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn player_id_as_null(self) -> ContactBuilder<(T0, T1, T2, T3, ())> {
            self.player_id(())
        }
    }

    impl<T0, T1, T2, T3, T4> ContactBuilder<(T0, T1, T2, T3, T4)> {
        /// Setter for the [`reloads` field](Contact#structfield.reloads).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn reloads<T5>(self, value: T5) -> ContactBuilder<(T0, T1, T2, T3, T4, T5)>
        where
            T5: ::planus::WriteAs<::planus::Offset<[bool]>>,
        {
            let (v0, v1, v2, v3, v4) = self.0;
            ContactBuilder((v0, v1, v2, v3, v4, value))
        }
    }

    impl<T0, T1, T2, T3, T4, T5> ContactBuilder<(T0, T1, T2, T3, T4, T5)> {
        /// Setter for the [`transform` field](Contact#structfield.transform).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn transform<T6>(self, value: T6) -> ContactBuilder<(T0, T1, T2, T3, T4, T5, T6)>
        where
            T6: ::planus::WriteAs<self::Transform>,
        {
            let (v0, v1, v2, v3, v4, v5) = self.0;
            ContactBuilder((v0, v1, v2, v3, v4, v5, value))
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6> ContactBuilder<(T0, T1, T2, T3, T4, T5, T6)> {
        /// Setter for the [`turret_angles` field](Contact#structfield.turret_angles).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn turret_angles<T7>(
            self,
            value: T7,
        ) -> ContactBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)>
        where
            T7: ::planus::WriteAs<::planus::Offset<[u16]>>,
        {
            let (v0, v1, v2, v3, v4, v5, v6) = self.0;
            ContactBuilder((v0, v1, v2, v3, v4, v5, v6, value))
        }
    }

    impl<T0, T1, T2, T3, T4, T5, T6, T7> ContactBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Contact].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Contact>
        where
            Self: ::planus::WriteAsOffset<Contact>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<u8, u8>,
            T1: ::planus::WriteAsDefault<u32, u32>,
            T2: ::planus::WriteAsOptional<self::EntityType>,
            T3: ::planus::WriteAs<self::Guidance>,
            T4: ::planus::WriteAsOptional<u16>,
            T5: ::planus::WriteAs<::planus::Offset<[bool]>>,
            T6: ::planus::WriteAs<self::Transform>,
            T7: ::planus::WriteAs<::planus::Offset<[u16]>>,
        > ::planus::WriteAs<::planus::Offset<Contact>>
        for ContactBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)>
    {
        type Prepared = ::planus::Offset<Contact>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Contact> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<u8, u8>,
            T1: ::planus::WriteAsDefault<u32, u32>,
            T2: ::planus::WriteAsOptional<self::EntityType>,
            T3: ::planus::WriteAs<self::Guidance>,
            T4: ::planus::WriteAsOptional<u16>,
            T5: ::planus::WriteAs<::planus::Offset<[bool]>>,
            T6: ::planus::WriteAs<self::Transform>,
            T7: ::planus::WriteAs<::planus::Offset<[u16]>>,
        > ::planus::WriteAsOptional<::planus::Offset<Contact>>
        for ContactBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)>
    {
        type Prepared = ::planus::Offset<Contact>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Contact>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAsDefault<u8, u8>,
            T1: ::planus::WriteAsDefault<u32, u32>,
            T2: ::planus::WriteAsOptional<self::EntityType>,
            T3: ::planus::WriteAs<self::Guidance>,
            T4: ::planus::WriteAsOptional<u16>,
            T5: ::planus::WriteAs<::planus::Offset<[bool]>>,
            T6: ::planus::WriteAs<self::Transform>,
            T7: ::planus::WriteAs<::planus::Offset<[u16]>>,
        > ::planus::WriteAsOffset<Contact> for ContactBuilder<(T0, T1, T2, T3, T4, T5, T6, T7)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Contact> {
            let (v0, v1, v2, v3, v4, v5, v6, v7) = &self.0;
            Contact::create(builder, v0, v1, v2, v3, v4, v5, v6, v7)
        }
    }

    /// Reference to a deserialized [Contact].
    #[derive(Copy, Clone)]
    pub struct ContactRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> ContactRef<'a> {
        /// Getter for the [`damage` field](Contact#structfield.damage).
        #[inline]
        pub fn damage(&self) -> ::planus::Result<u8> {
            ::core::result::Result::Ok(self.0.access(0, "Contact", "damage")?.unwrap_or(0))
        }

        /// Getter for the [`entity_id` field](Contact#structfield.entity_id).
        #[inline]
        pub fn entity_id(&self) -> ::planus::Result<u32> {
            ::core::result::Result::Ok(self.0.access(1, "Contact", "entity_id")?.unwrap_or(0))
        }

        /// Getter for the [`entity_type` field](Contact#structfield.entity_type).
        #[inline]
        pub fn entity_type(&self) -> ::planus::Result<::core::option::Option<self::EntityType>> {
            self.0.access(2, "Contact", "entity_type")
        }

        /// Getter for the [`guidance` field](Contact#structfield.guidance).
        #[inline]
        pub fn guidance(&self) -> ::planus::Result<self::GuidanceRef<'a>> {
            self.0.access_required(3, "Contact", "guidance")
        }

        /// Getter for the [`player_id` field](Contact#structfield.player_id).
        #[inline]
        pub fn player_id(&self) -> ::planus::Result<::core::option::Option<u16>> {
            self.0.access(4, "Contact", "player_id")
        }

        /// Getter for the [`reloads` field](Contact#structfield.reloads).
        #[inline]
        pub fn reloads(&self) -> ::planus::Result<::planus::Vector<'a, bool>> {
            self.0.access_required(5, "Contact", "reloads")
        }

        /// Getter for the [`transform` field](Contact#structfield.transform).
        #[inline]
        pub fn transform(&self) -> ::planus::Result<self::TransformRef<'a>> {
            self.0.access_required(6, "Contact", "transform")
        }

        /// Getter for the [`turret_angles` field](Contact#structfield.turret_angles).
        #[inline]
        pub fn turret_angles(&self) -> ::planus::Result<::planus::Vector<'a, u16>> {
            self.0.access_required(7, "Contact", "turret_angles")
        }
    }

    impl<'a> ::core::fmt::Debug for ContactRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("ContactRef");
            f.field("damage", &self.damage());
            f.field("entity_id", &self.entity_id());
            if let ::core::option::Option::Some(field_entity_type) = self.entity_type().transpose()
            {
                f.field("entity_type", &field_entity_type);
            }
            f.field("guidance", &self.guidance());
            if let ::core::option::Option::Some(field_player_id) = self.player_id().transpose() {
                f.field("player_id", &field_player_id);
            }
            f.field("reloads", &self.reloads());
            f.field("transform", &self.transform());
            f.field("turret_angles", &self.turret_angles());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<ContactRef<'a>> for Contact {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: ContactRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                damage: ::core::convert::TryInto::try_into(value.damage()?)?,
                entity_id: ::core::convert::TryInto::try_into(value.entity_id()?)?,
                entity_type: if let ::core::option::Option::Some(entity_type) =
                    value.entity_type()?
                {
                    ::core::option::Option::Some(::core::convert::TryInto::try_into(entity_type)?)
                } else {
                    ::core::option::Option::None
                },
                guidance: ::core::convert::Into::into(value.guidance()?),
                player_id: if let ::core::option::Option::Some(player_id) = value.player_id()? {
                    ::core::option::Option::Some(::core::convert::TryInto::try_into(player_id)?)
                } else {
                    ::core::option::Option::None
                },
                reloads: value.reloads()?.to_vec()?,
                transform: ::core::convert::Into::into(value.transform()?),
                turret_angles: value.turret_angles()?.to_vec()?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for ContactRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for ContactRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[ContactRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Contact>> for Contact {
        type Value = ::planus::Offset<Contact>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Contact>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for ContactRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[ContactRef]", "read_as_root", 0))
        }
    }

    /// The struct `ChunkId`
    ///
    /// Generated from these locations:
    /// * Struct `ChunkId` in the file `mk48.fbs:45`
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
    pub struct ChunkId {
        /// The field `x` in the struct `ChunkId`
        pub x: i8,

        /// The field `y` in the struct `ChunkId`
        pub y: i8,
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for ChunkId {
        const ALIGNMENT: usize = 1;
        const SIZE: usize = 2;
    }

    #[allow(clippy::identity_op)]
    impl ::planus::WriteAsPrimitive<ChunkId> for ChunkId {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            let (cur, cursor) = cursor.split::<1, 1>();
            self.x.write(cur, buffer_position - 0);
            let (cur, cursor) = cursor.split::<1, 0>();
            self.y.write(cur, buffer_position - 1);
            cursor.finish([]);
        }
    }

    impl ::planus::WriteAsOffset<ChunkId> for ChunkId {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<ChunkId> {
            unsafe {
                builder.write_with(2, 0, |buffer_position, bytes| {
                    let bytes = bytes.as_mut_ptr();

                    ::planus::WriteAsPrimitive::write(
                        self,
                        ::planus::Cursor::new(
                            &mut *(bytes as *mut [::core::mem::MaybeUninit<u8>; 2]),
                        ),
                        buffer_position,
                    );
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<ChunkId> for ChunkId {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }
    }

    impl ::planus::WriteAsOptional<ChunkId> for ChunkId {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(*self)
        }
    }

    /// Reference to a deserialized [ChunkId].
    #[derive(Copy, Clone)]
    pub struct ChunkIdRef<'a>(::planus::ArrayWithStartOffset<'a, 2>);

    impl<'a> ChunkIdRef<'a> {
        /// Getter for the [`x` field](ChunkId#structfield.x).
        pub fn x(&self) -> i8 {
            let buffer = self.0.advance_as_array::<1>(0).unwrap();

            i8::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`y` field](ChunkId#structfield.y).
        pub fn y(&self) -> i8 {
            let buffer = self.0.advance_as_array::<1>(1).unwrap();

            i8::from_le_bytes(*buffer.as_array())
        }
    }

    impl<'a> ::core::fmt::Debug for ChunkIdRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("ChunkIdRef");
            f.field("x", &self.x());
            f.field("y", &self.y());
            f.finish()
        }
    }

    impl<'a> ::core::convert::From<::planus::ArrayWithStartOffset<'a, 2>> for ChunkIdRef<'a> {
        fn from(array: ::planus::ArrayWithStartOffset<'a, 2>) -> Self {
            Self(array)
        }
    }

    impl<'a> ::core::convert::From<ChunkIdRef<'a>> for ChunkId {
        #[allow(unreachable_code)]
        fn from(value: ChunkIdRef<'a>) -> Self {
            Self {
                x: value.x(),
                y: value.y(),
            }
        }
    }

    impl<'a, 'b> ::core::cmp::PartialEq<ChunkIdRef<'a>> for ChunkIdRef<'b> {
        fn eq(&self, other: &ChunkIdRef<'_>) -> bool {
            self.x() == other.x() && self.y() == other.y()
        }
    }

    impl<'a> ::core::cmp::Eq for ChunkIdRef<'a> {}
    impl<'a, 'b> ::core::cmp::PartialOrd<ChunkIdRef<'a>> for ChunkIdRef<'b> {
        fn partial_cmp(
            &self,
            other: &ChunkIdRef<'_>,
        ) -> ::core::option::Option<::core::cmp::Ordering> {
            ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
        }
    }

    impl<'a> ::core::cmp::Ord for ChunkIdRef<'a> {
        fn cmp(&self, other: &ChunkIdRef<'_>) -> ::core::cmp::Ordering {
            self.x()
                .cmp(&other.x())
                .then_with(|| self.y().cmp(&other.y()))
        }
    }

    impl<'a> ::core::hash::Hash for ChunkIdRef<'a> {
        fn hash<H: ::core::hash::Hasher>(&self, state: &mut H) {
            self.x().hash(state);
            self.y().hash(state);
        }
    }

    impl<'a> ::planus::TableRead<'a> for ChunkIdRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let buffer = buffer.advance_as_array::<2>(offset)?;
            ::core::result::Result::Ok(Self(buffer))
        }
    }

    impl<'a> ::planus::VectorRead<'a> for ChunkIdRef<'a> {
        const STRIDE: usize = 2;

        #[inline]
        unsafe fn from_buffer(buffer: ::planus::SliceWithStartOffset<'a>, offset: usize) -> Self {
            Self(unsafe { buffer.unchecked_advance_as_array(offset) })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<ChunkId> for ChunkId {
        const STRIDE: usize = 2;

        type Value = ChunkId;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self::Value {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[ChunkId],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 2];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (2 * i) as u32,
                );
            }
        }
    }

    /// The table `TerrainUpdate`
    ///
    /// Generated from these locations:
    /// * Table `TerrainUpdate` in the file `mk48.fbs:50`
    #[derive(
        Clone, Debug, PartialEq, PartialOrd, Eq, Ord, Hash, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct TerrainUpdate {
        /// The field `chunk_id` in the table `TerrainUpdate`
        pub chunk_id: self::ChunkId,
        /// The field `data` in the table `TerrainUpdate`
        pub data: ::core::option::Option<::planus::alloc::vec::Vec<u8>>,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for TerrainUpdate {
        fn default() -> Self {
            Self {
                chunk_id: ::core::default::Default::default(),
                data: ::core::default::Default::default(),
            }
        }
    }

    impl TerrainUpdate {
        /// Creates a [TerrainUpdateBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> TerrainUpdateBuilder<()> {
            TerrainUpdateBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_chunk_id: impl ::planus::WriteAs<self::ChunkId>,
            field_data: impl ::planus::WriteAsOptional<::planus::Offset<[u8]>>,
        ) -> ::planus::Offset<Self> {
            let prepared_chunk_id = field_chunk_id.prepare(builder);
            let prepared_data = field_data.prepare(builder);

            let mut table_writer: ::planus::table_writer::TableWriter<8> =
                ::core::default::Default::default();
            if prepared_data.is_some() {
                table_writer.write_entry::<::planus::Offset<[u8]>>(1);
            }
            table_writer.write_entry::<self::ChunkId>(0);

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    if let ::core::option::Option::Some(prepared_data) = prepared_data {
                        object_writer.write::<_, _, 4>(&prepared_data);
                    }
                    object_writer.write::<_, _, 2>(&prepared_chunk_id);
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<TerrainUpdate>> for TerrainUpdate {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<TerrainUpdate> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<TerrainUpdate>> for TerrainUpdate {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<TerrainUpdate>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<TerrainUpdate> for TerrainUpdate {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<TerrainUpdate> {
            TerrainUpdate::create(builder, self.chunk_id, &self.data)
        }
    }

    /// Builder for serializing an instance of the [TerrainUpdate] type.
    ///
    /// Can be created using the [TerrainUpdate::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct TerrainUpdateBuilder<State>(State);

    impl TerrainUpdateBuilder<()> {
        /// Setter for the [`chunk_id` field](TerrainUpdate#structfield.chunk_id).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn chunk_id<T0>(self, value: T0) -> TerrainUpdateBuilder<(T0,)>
        where
            T0: ::planus::WriteAs<self::ChunkId>,
        {
            TerrainUpdateBuilder((value,))
        }
    }

    impl<T0> TerrainUpdateBuilder<(T0,)> {
        /// Setter for the [`data` field](TerrainUpdate#structfield.data).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn data<T1>(self, value: T1) -> TerrainUpdateBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAsOptional<::planus::Offset<[u8]>>,
        {
            let (v0,) = self.0;
            TerrainUpdateBuilder((v0, value))
        }

        /// Sets the [`data` field](TerrainUpdate#structfield.data) to null.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn data_as_null(self) -> TerrainUpdateBuilder<(T0, ())> {
            self.data(())
        }
    }

    impl<T0, T1> TerrainUpdateBuilder<(T0, T1)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [TerrainUpdate].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<TerrainUpdate>
        where
            Self: ::planus::WriteAsOffset<TerrainUpdate>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<self::ChunkId>,
            T1: ::planus::WriteAsOptional<::planus::Offset<[u8]>>,
        > ::planus::WriteAs<::planus::Offset<TerrainUpdate>> for TerrainUpdateBuilder<(T0, T1)>
    {
        type Prepared = ::planus::Offset<TerrainUpdate>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<TerrainUpdate> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<self::ChunkId>,
            T1: ::planus::WriteAsOptional<::planus::Offset<[u8]>>,
        > ::planus::WriteAsOptional<::planus::Offset<TerrainUpdate>>
        for TerrainUpdateBuilder<(T0, T1)>
    {
        type Prepared = ::planus::Offset<TerrainUpdate>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<TerrainUpdate>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAs<self::ChunkId>,
            T1: ::planus::WriteAsOptional<::planus::Offset<[u8]>>,
        > ::planus::WriteAsOffset<TerrainUpdate> for TerrainUpdateBuilder<(T0, T1)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<TerrainUpdate> {
            let (v0, v1) = &self.0;
            TerrainUpdate::create(builder, v0, v1)
        }
    }

    /// Reference to a deserialized [TerrainUpdate].
    #[derive(Copy, Clone)]
    pub struct TerrainUpdateRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> TerrainUpdateRef<'a> {
        /// Getter for the [`chunk_id` field](TerrainUpdate#structfield.chunk_id).
        #[inline]
        pub fn chunk_id(&self) -> ::planus::Result<self::ChunkIdRef<'a>> {
            self.0.access_required(0, "TerrainUpdate", "chunk_id")
        }

        /// Getter for the [`data` field](TerrainUpdate#structfield.data).
        #[inline]
        pub fn data(&self) -> ::planus::Result<::core::option::Option<&'a [u8]>> {
            self.0.access(1, "TerrainUpdate", "data")
        }
    }

    impl<'a> ::core::fmt::Debug for TerrainUpdateRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("TerrainUpdateRef");
            f.field("chunk_id", &self.chunk_id());
            if let ::core::option::Option::Some(field_data) = self.data().transpose() {
                f.field("data", &field_data);
            }
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<TerrainUpdateRef<'a>> for TerrainUpdate {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: TerrainUpdateRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                chunk_id: ::core::convert::Into::into(value.chunk_id()?),
                data: value.data()?.map(|v| v.to_vec()),
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for TerrainUpdateRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for TerrainUpdateRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location(
                    "[TerrainUpdateRef]",
                    "get",
                    buffer.offset_from_start,
                )
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<TerrainUpdate>> for TerrainUpdate {
        type Value = ::planus::Offset<TerrainUpdate>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<TerrainUpdate>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for TerrainUpdateRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| {
                error_kind.with_error_location("[TerrainUpdateRef]", "read_as_root", 0)
            })
        }
    }

    /// The table `Update`
    ///
    /// Generated from these locations:
    /// * Table `Update` in the file `mk48.fbs:55`
    #[derive(Clone, Debug, PartialEq, PartialOrd, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Update {
        /// The field `contacts` in the table `Update`
        pub contacts: ::planus::alloc::vec::Vec<self::Contact>,
        /// The field `score` in the table `Update`
        pub score: u32,
        /// The field `world_radius` in the table `Update`
        pub world_radius: f32,
        /// The field `terrain_updates` in the table `Update`
        pub terrain_updates: ::planus::alloc::vec::Vec<self::TerrainUpdate>,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Update {
        fn default() -> Self {
            Self {
                contacts: ::core::default::Default::default(),
                score: 0,
                world_radius: 0.0,
                terrain_updates: ::core::default::Default::default(),
            }
        }
    }

    impl Update {
        /// Creates a [UpdateBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> UpdateBuilder<()> {
            UpdateBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_contacts: impl ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Contact>]>>,
            field_score: impl ::planus::WriteAsDefault<u32, u32>,
            field_world_radius: impl ::planus::WriteAsDefault<f32, f32>,
            field_terrain_updates: impl ::planus::WriteAs<
                ::planus::Offset<[::planus::Offset<self::TerrainUpdate>]>,
            >,
        ) -> ::planus::Offset<Self> {
            let prepared_contacts = field_contacts.prepare(builder);
            let prepared_score = field_score.prepare(builder, &0);
            let prepared_world_radius = field_world_radius.prepare(builder, &0.0);
            let prepared_terrain_updates = field_terrain_updates.prepare(builder);

            let mut table_writer: ::planus::table_writer::TableWriter<12> =
                ::core::default::Default::default();
            table_writer.write_entry::<::planus::Offset<[::planus::Offset<self::Contact>]>>(0);
            if prepared_score.is_some() {
                table_writer.write_entry::<u32>(1);
            }
            if prepared_world_radius.is_some() {
                table_writer.write_entry::<f32>(2);
            }
            table_writer
                .write_entry::<::planus::Offset<[::planus::Offset<self::TerrainUpdate>]>>(3);

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    object_writer.write::<_, _, 4>(&prepared_contacts);
                    if let ::core::option::Option::Some(prepared_score) = prepared_score {
                        object_writer.write::<_, _, 4>(&prepared_score);
                    }
                    if let ::core::option::Option::Some(prepared_world_radius) =
                        prepared_world_radius
                    {
                        object_writer.write::<_, _, 4>(&prepared_world_radius);
                    }
                    object_writer.write::<_, _, 4>(&prepared_terrain_updates);
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Update>> for Update {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Update> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Update>> for Update {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Update>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Update> for Update {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Update> {
            Update::create(
                builder,
                &self.contacts,
                self.score,
                self.world_radius,
                &self.terrain_updates,
            )
        }
    }

    /// Builder for serializing an instance of the [Update] type.
    ///
    /// Can be created using the [Update::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct UpdateBuilder<State>(State);

    impl UpdateBuilder<()> {
        /// Setter for the [`contacts` field](Update#structfield.contacts).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn contacts<T0>(self, value: T0) -> UpdateBuilder<(T0,)>
        where
            T0: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Contact>]>>,
        {
            UpdateBuilder((value,))
        }
    }

    impl<T0> UpdateBuilder<(T0,)> {
        /// Setter for the [`score` field](Update#structfield.score).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn score<T1>(self, value: T1) -> UpdateBuilder<(T0, T1)>
        where
            T1: ::planus::WriteAsDefault<u32, u32>,
        {
            let (v0,) = self.0;
            UpdateBuilder((v0, value))
        }

        /// Sets the [`score` field](Update#structfield.score) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn score_as_default(self) -> UpdateBuilder<(T0, ::planus::DefaultValue)> {
            self.score(::planus::DefaultValue)
        }
    }

    impl<T0, T1> UpdateBuilder<(T0, T1)> {
        /// Setter for the [`world_radius` field](Update#structfield.world_radius).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn world_radius<T2>(self, value: T2) -> UpdateBuilder<(T0, T1, T2)>
        where
            T2: ::planus::WriteAsDefault<f32, f32>,
        {
            let (v0, v1) = self.0;
            UpdateBuilder((v0, v1, value))
        }

        /// Sets the [`world_radius` field](Update#structfield.world_radius) to the default value.
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn world_radius_as_default(self) -> UpdateBuilder<(T0, T1, ::planus::DefaultValue)> {
            self.world_radius(::planus::DefaultValue)
        }
    }

    impl<T0, T1, T2> UpdateBuilder<(T0, T1, T2)> {
        /// Setter for the [`terrain_updates` field](Update#structfield.terrain_updates).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn terrain_updates<T3>(self, value: T3) -> UpdateBuilder<(T0, T1, T2, T3)>
        where
            T3: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::TerrainUpdate>]>>,
        {
            let (v0, v1, v2) = self.0;
            UpdateBuilder((v0, v1, v2, value))
        }
    }

    impl<T0, T1, T2, T3> UpdateBuilder<(T0, T1, T2, T3)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Update].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Update>
        where
            Self: ::planus::WriteAsOffset<Update>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Contact>]>>,
            T1: ::planus::WriteAsDefault<u32, u32>,
            T2: ::planus::WriteAsDefault<f32, f32>,
            T3: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::TerrainUpdate>]>>,
        > ::planus::WriteAs<::planus::Offset<Update>> for UpdateBuilder<(T0, T1, T2, T3)>
    {
        type Prepared = ::planus::Offset<Update>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Update> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Contact>]>>,
            T1: ::planus::WriteAsDefault<u32, u32>,
            T2: ::planus::WriteAsDefault<f32, f32>,
            T3: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::TerrainUpdate>]>>,
        > ::planus::WriteAsOptional<::planus::Offset<Update>> for UpdateBuilder<(T0, T1, T2, T3)>
    {
        type Prepared = ::planus::Offset<Update>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Update>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<
            T0: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::Contact>]>>,
            T1: ::planus::WriteAsDefault<u32, u32>,
            T2: ::planus::WriteAsDefault<f32, f32>,
            T3: ::planus::WriteAs<::planus::Offset<[::planus::Offset<self::TerrainUpdate>]>>,
        > ::planus::WriteAsOffset<Update> for UpdateBuilder<(T0, T1, T2, T3)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Update> {
            let (v0, v1, v2, v3) = &self.0;
            Update::create(builder, v0, v1, v2, v3)
        }
    }

    /// Reference to a deserialized [Update].
    #[derive(Copy, Clone)]
    pub struct UpdateRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> UpdateRef<'a> {
        /// Getter for the [`contacts` field](Update#structfield.contacts).
        #[inline]
        pub fn contacts(
            &self,
        ) -> ::planus::Result<::planus::Vector<'a, ::planus::Result<self::ContactRef<'a>>>>
        {
            self.0.access_required(0, "Update", "contacts")
        }

        /// Getter for the [`score` field](Update#structfield.score).
        #[inline]
        pub fn score(&self) -> ::planus::Result<u32> {
            ::core::result::Result::Ok(self.0.access(1, "Update", "score")?.unwrap_or(0))
        }

        /// Getter for the [`world_radius` field](Update#structfield.world_radius).
        #[inline]
        pub fn world_radius(&self) -> ::planus::Result<f32> {
            ::core::result::Result::Ok(self.0.access(2, "Update", "world_radius")?.unwrap_or(0.0))
        }

        /// Getter for the [`terrain_updates` field](Update#structfield.terrain_updates).
        #[inline]
        pub fn terrain_updates(
            &self,
        ) -> ::planus::Result<::planus::Vector<'a, ::planus::Result<self::TerrainUpdateRef<'a>>>>
        {
            self.0.access_required(3, "Update", "terrain_updates")
        }
    }

    impl<'a> ::core::fmt::Debug for UpdateRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("UpdateRef");
            f.field("contacts", &self.contacts());
            f.field("score", &self.score());
            f.field("world_radius", &self.world_radius());
            f.field("terrain_updates", &self.terrain_updates());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<UpdateRef<'a>> for Update {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: UpdateRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                contacts: value.contacts()?.to_vec_result()?,
                score: ::core::convert::TryInto::try_into(value.score()?)?,
                world_radius: ::core::convert::TryInto::try_into(value.world_radius()?)?,
                terrain_updates: value.terrain_updates()?.to_vec_result()?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for UpdateRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for UpdateRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[UpdateRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Update>> for Update {
        type Value = ::planus::Offset<Update>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Update>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for UpdateRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[UpdateRef]", "read_as_root", 0))
        }
    }
}
