pub use root::*;

const _: () = ::planus::check_version_compatibility("planus-1.3.0");

/// The root namespace
///
/// Generated from these locations:
/// * File `mesh.fbs`
#[no_implicit_prelude]
#[allow(clippy::needless_lifetimes)]
mod root {
    /// The struct `Vector3`
    ///
    /// Generated from these locations:
    /// * Struct `Vector3` in the file `mesh.fbs:3`
    #[derive(
        Copy, Clone, Debug, PartialEq, PartialOrd, Default, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Vector3 {
        /// The field `x` in the struct `Vector3`
        pub x: f32,

        /// The field `y` in the struct `Vector3`
        pub y: f32,

        /// The field `z` in the struct `Vector3`
        pub z: f32,
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for Vector3 {
        const ALIGNMENT: usize = 4;
        const SIZE: usize = 12;
    }

    #[allow(clippy::identity_op)]
    impl ::planus::WriteAsPrimitive<Vector3> for Vector3 {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            let (cur, cursor) = cursor.split::<4, 8>();
            self.x.write(cur, buffer_position - 0);
            let (cur, cursor) = cursor.split::<4, 4>();
            self.y.write(cur, buffer_position - 4);
            let (cur, cursor) = cursor.split::<4, 0>();
            self.z.write(cur, buffer_position - 8);
            cursor.finish([]);
        }
    }

    impl ::planus::WriteAsOffset<Vector3> for Vector3 {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Vector3> {
            unsafe {
                builder.write_with(12, 3, |buffer_position, bytes| {
                    let bytes = bytes.as_mut_ptr();

                    ::planus::WriteAsPrimitive::write(
                        self,
                        ::planus::Cursor::new(
                            &mut *(bytes as *mut [::core::mem::MaybeUninit<u8>; 12]),
                        ),
                        buffer_position,
                    );
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<Vector3> for Vector3 {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }
    }

    impl ::planus::WriteAsOptional<Vector3> for Vector3 {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(*self)
        }
    }

    /// Reference to a deserialized [Vector3].
    #[derive(Copy, Clone)]
    pub struct Vector3Ref<'a>(::planus::ArrayWithStartOffset<'a, 12>);

    impl<'a> Vector3Ref<'a> {
        /// Getter for the [`x` field](Vector3#structfield.x).
        pub fn x(&self) -> f32 {
            let buffer = self.0.advance_as_array::<4>(0).unwrap();

            f32::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`y` field](Vector3#structfield.y).
        pub fn y(&self) -> f32 {
            let buffer = self.0.advance_as_array::<4>(4).unwrap();

            f32::from_le_bytes(*buffer.as_array())
        }

        /// Getter for the [`z` field](Vector3#structfield.z).
        pub fn z(&self) -> f32 {
            let buffer = self.0.advance_as_array::<4>(8).unwrap();

            f32::from_le_bytes(*buffer.as_array())
        }
    }

    impl<'a> ::core::fmt::Debug for Vector3Ref<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("Vector3Ref");
            f.field("x", &self.x());
            f.field("y", &self.y());
            f.field("z", &self.z());
            f.finish()
        }
    }

    impl<'a> ::core::convert::From<::planus::ArrayWithStartOffset<'a, 12>> for Vector3Ref<'a> {
        fn from(array: ::planus::ArrayWithStartOffset<'a, 12>) -> Self {
            Self(array)
        }
    }

    impl<'a> ::core::convert::From<Vector3Ref<'a>> for Vector3 {
        #[allow(unreachable_code)]
        fn from(value: Vector3Ref<'a>) -> Self {
            Self {
                x: value.x(),
                y: value.y(),
                z: value.z(),
            }
        }
    }

    impl<'a, 'b> ::core::cmp::PartialEq<Vector3Ref<'a>> for Vector3Ref<'b> {
        fn eq(&self, other: &Vector3Ref<'_>) -> bool {
            self.x() == other.x() && self.y() == other.y() && self.z() == other.z()
        }
    }

    impl<'a, 'b> ::core::cmp::PartialOrd<Vector3Ref<'a>> for Vector3Ref<'b> {
        fn partial_cmp(
            &self,
            other: &Vector3Ref<'_>,
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

    impl<'a> ::planus::TableRead<'a> for Vector3Ref<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let buffer = buffer.advance_as_array::<12>(offset)?;
            ::core::result::Result::Ok(Self(buffer))
        }
    }

    impl<'a> ::planus::VectorRead<'a> for Vector3Ref<'a> {
        const STRIDE: usize = 12;

        #[inline]
        unsafe fn from_buffer(buffer: ::planus::SliceWithStartOffset<'a>, offset: usize) -> Self {
            Self(unsafe { buffer.unchecked_advance_as_array(offset) })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<Vector3> for Vector3 {
        const STRIDE: usize = 12;

        type Value = Vector3;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self::Value {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[Vector3],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 12];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (12 * i) as u32,
                );
            }
        }
    }

    /// The struct `Triangle`
    ///
    /// Generated from these locations:
    /// * Struct `Triangle` in the file `mesh.fbs:9`
    #[derive(
        Copy, Clone, Debug, PartialEq, PartialOrd, Default, ::serde::Serialize, ::serde::Deserialize,
    )]
    pub struct Triangle {
        /// The field `v0` in the struct `Triangle`
        pub v0: self::Vector3,

        /// The field `v1` in the struct `Triangle`
        pub v1: self::Vector3,

        /// The field `v2` in the struct `Triangle`
        pub v2: self::Vector3,

        /// The field `normal` in the struct `Triangle`
        pub normal: self::Vector3,
    }

    /// # Safety
    /// The Planus compiler correctly calculates `ALIGNMENT` and `SIZE`.
    unsafe impl ::planus::Primitive for Triangle {
        const ALIGNMENT: usize = 4;
        const SIZE: usize = 48;
    }

    #[allow(clippy::identity_op)]
    impl ::planus::WriteAsPrimitive<Triangle> for Triangle {
        #[inline]
        fn write<const N: usize>(&self, cursor: ::planus::Cursor<'_, N>, buffer_position: u32) {
            let (cur, cursor) = cursor.split::<12, 36>();
            self.v0.write(cur, buffer_position - 0);
            let (cur, cursor) = cursor.split::<12, 24>();
            self.v1.write(cur, buffer_position - 12);
            let (cur, cursor) = cursor.split::<12, 12>();
            self.v2.write(cur, buffer_position - 24);
            let (cur, cursor) = cursor.split::<12, 0>();
            self.normal.write(cur, buffer_position - 36);
            cursor.finish([]);
        }
    }

    impl ::planus::WriteAsOffset<Triangle> for Triangle {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Triangle> {
            unsafe {
                builder.write_with(48, 3, |buffer_position, bytes| {
                    let bytes = bytes.as_mut_ptr();

                    ::planus::WriteAsPrimitive::write(
                        self,
                        ::planus::Cursor::new(
                            &mut *(bytes as *mut [::core::mem::MaybeUninit<u8>; 48]),
                        ),
                        buffer_position,
                    );
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<Triangle> for Triangle {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self {
            *self
        }
    }

    impl ::planus::WriteAsOptional<Triangle> for Triangle {
        type Prepared = Self;
        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> ::core::option::Option<Self> {
            ::core::option::Option::Some(*self)
        }
    }

    /// Reference to a deserialized [Triangle].
    #[derive(Copy, Clone)]
    pub struct TriangleRef<'a>(::planus::ArrayWithStartOffset<'a, 48>);

    impl<'a> TriangleRef<'a> {
        /// Getter for the [`v0` field](Triangle#structfield.v0).
        pub fn v0(&self) -> self::Vector3Ref<'a> {
            let buffer = self.0.advance_as_array::<12>(0).unwrap();

            ::core::convert::From::from(buffer)
        }

        /// Getter for the [`v1` field](Triangle#structfield.v1).
        pub fn v1(&self) -> self::Vector3Ref<'a> {
            let buffer = self.0.advance_as_array::<12>(12).unwrap();

            ::core::convert::From::from(buffer)
        }

        /// Getter for the [`v2` field](Triangle#structfield.v2).
        pub fn v2(&self) -> self::Vector3Ref<'a> {
            let buffer = self.0.advance_as_array::<12>(24).unwrap();

            ::core::convert::From::from(buffer)
        }

        /// Getter for the [`normal` field](Triangle#structfield.normal).
        pub fn normal(&self) -> self::Vector3Ref<'a> {
            let buffer = self.0.advance_as_array::<12>(36).unwrap();

            ::core::convert::From::from(buffer)
        }
    }

    impl<'a> ::core::fmt::Debug for TriangleRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("TriangleRef");
            f.field("v0", &self.v0());
            f.field("v1", &self.v1());
            f.field("v2", &self.v2());
            f.field("normal", &self.normal());
            f.finish()
        }
    }

    impl<'a> ::core::convert::From<::planus::ArrayWithStartOffset<'a, 48>> for TriangleRef<'a> {
        fn from(array: ::planus::ArrayWithStartOffset<'a, 48>) -> Self {
            Self(array)
        }
    }

    impl<'a> ::core::convert::From<TriangleRef<'a>> for Triangle {
        #[allow(unreachable_code)]
        fn from(value: TriangleRef<'a>) -> Self {
            Self {
                v0: ::core::convert::From::from(value.v0()),
                v1: ::core::convert::From::from(value.v1()),
                v2: ::core::convert::From::from(value.v2()),
                normal: ::core::convert::From::from(value.normal()),
            }
        }
    }

    impl<'a, 'b> ::core::cmp::PartialEq<TriangleRef<'a>> for TriangleRef<'b> {
        fn eq(&self, other: &TriangleRef<'_>) -> bool {
            self.v0() == other.v0()
                && self.v1() == other.v1()
                && self.v2() == other.v2()
                && self.normal() == other.normal()
        }
    }

    impl<'a, 'b> ::core::cmp::PartialOrd<TriangleRef<'a>> for TriangleRef<'b> {
        fn partial_cmp(
            &self,
            other: &TriangleRef<'_>,
        ) -> ::core::option::Option<::core::cmp::Ordering> {
            match self.v0().partial_cmp(&other.v0()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            match self.v1().partial_cmp(&other.v1()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            match self.v2().partial_cmp(&other.v2()) {
                ::core::option::Option::Some(::core::cmp::Ordering::Equal) => (),
                o => return o,
            }

            self.normal().partial_cmp(&other.normal())
        }
    }

    impl<'a> ::planus::TableRead<'a> for TriangleRef<'a> {
        #[inline]
        fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::core::result::Result<Self, ::planus::errors::ErrorKind> {
            let buffer = buffer.advance_as_array::<48>(offset)?;
            ::core::result::Result::Ok(Self(buffer))
        }
    }

    impl<'a> ::planus::VectorRead<'a> for TriangleRef<'a> {
        const STRIDE: usize = 48;

        #[inline]
        unsafe fn from_buffer(buffer: ::planus::SliceWithStartOffset<'a>, offset: usize) -> Self {
            Self(unsafe { buffer.unchecked_advance_as_array(offset) })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<Triangle> for Triangle {
        const STRIDE: usize = 48;

        type Value = Triangle;

        #[inline]
        fn prepare(&self, _builder: &mut ::planus::Builder) -> Self::Value {
            *self
        }

        #[inline]
        unsafe fn write_values(
            values: &[Triangle],
            bytes: *mut ::core::mem::MaybeUninit<u8>,
            buffer_position: u32,
        ) {
            let bytes = bytes as *mut [::core::mem::MaybeUninit<u8>; 48];
            for (i, v) in ::core::iter::Iterator::enumerate(values.iter()) {
                ::planus::WriteAsPrimitive::write(
                    v,
                    ::planus::Cursor::new(unsafe { &mut *bytes.add(i) }),
                    buffer_position - (48 * i) as u32,
                );
            }
        }
    }

    /// The table `Mesh`
    ///
    /// Generated from these locations:
    /// * Table `Mesh` in the file `mesh.fbs:16`
    #[derive(Clone, Debug, PartialEq, PartialOrd, ::serde::Serialize, ::serde::Deserialize)]
    pub struct Mesh {
        /// The field `triangles` in the table `Mesh`
        pub triangles: ::planus::alloc::vec::Vec<self::Triangle>,
    }

    #[allow(clippy::derivable_impls)]
    impl ::core::default::Default for Mesh {
        fn default() -> Self {
            Self {
                triangles: ::core::default::Default::default(),
            }
        }
    }

    impl Mesh {
        /// Creates a [MeshBuilder] for serializing an instance of this table.
        #[inline]
        pub fn builder() -> MeshBuilder<()> {
            MeshBuilder(())
        }

        #[allow(clippy::too_many_arguments)]
        pub fn create(
            builder: &mut ::planus::Builder,
            field_triangles: impl ::planus::WriteAs<::planus::Offset<[self::Triangle]>>,
        ) -> ::planus::Offset<Self> {
            let prepared_triangles = field_triangles.prepare(builder);

            let mut table_writer: ::planus::table_writer::TableWriter<6> =
                ::core::default::Default::default();
            table_writer.write_entry::<::planus::Offset<[self::Triangle]>>(0);

            unsafe {
                table_writer.finish(builder, |object_writer| {
                    object_writer.write::<_, _, 4>(&prepared_triangles);
                });
            }
            builder.current_offset()
        }
    }

    impl ::planus::WriteAs<::planus::Offset<Mesh>> for Mesh {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Mesh> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl ::planus::WriteAsOptional<::planus::Offset<Mesh>> for Mesh {
        type Prepared = ::planus::Offset<Self>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Mesh>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl ::planus::WriteAsOffset<Mesh> for Mesh {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Mesh> {
            Mesh::create(builder, &self.triangles)
        }
    }

    /// Builder for serializing an instance of the [Mesh] type.
    ///
    /// Can be created using the [Mesh::builder] method.
    #[derive(Debug)]
    #[must_use]
    pub struct MeshBuilder<State>(State);

    impl MeshBuilder<()> {
        /// Setter for the [`triangles` field](Mesh#structfield.triangles).
        #[inline]
        #[allow(clippy::type_complexity)]
        pub fn triangles<T0>(self, value: T0) -> MeshBuilder<(T0,)>
        where
            T0: ::planus::WriteAs<::planus::Offset<[self::Triangle]>>,
        {
            MeshBuilder((value,))
        }
    }

    impl<T0> MeshBuilder<(T0,)> {
        /// Finish writing the builder to get an [Offset](::planus::Offset) to a serialized [Mesh].
        #[inline]
        pub fn finish(self, builder: &mut ::planus::Builder) -> ::planus::Offset<Mesh>
        where
            Self: ::planus::WriteAsOffset<Mesh>,
        {
            ::planus::WriteAsOffset::prepare(&self, builder)
        }
    }

    impl<T0: ::planus::WriteAs<::planus::Offset<[self::Triangle]>>>
        ::planus::WriteAs<::planus::Offset<Mesh>> for MeshBuilder<(T0,)>
    {
        type Prepared = ::planus::Offset<Mesh>;

        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Mesh> {
            ::planus::WriteAsOffset::prepare(self, builder)
        }
    }

    impl<T0: ::planus::WriteAs<::planus::Offset<[self::Triangle]>>>
        ::planus::WriteAsOptional<::planus::Offset<Mesh>> for MeshBuilder<(T0,)>
    {
        type Prepared = ::planus::Offset<Mesh>;

        #[inline]
        fn prepare(
            &self,
            builder: &mut ::planus::Builder,
        ) -> ::core::option::Option<::planus::Offset<Mesh>> {
            ::core::option::Option::Some(::planus::WriteAsOffset::prepare(self, builder))
        }
    }

    impl<T0: ::planus::WriteAs<::planus::Offset<[self::Triangle]>>> ::planus::WriteAsOffset<Mesh>
        for MeshBuilder<(T0,)>
    {
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> ::planus::Offset<Mesh> {
            let (v0,) = &self.0;
            Mesh::create(builder, v0)
        }
    }

    /// Reference to a deserialized [Mesh].
    #[derive(Copy, Clone)]
    pub struct MeshRef<'a>(#[allow(dead_code)] ::planus::table_reader::Table<'a>);

    impl<'a> MeshRef<'a> {
        /// Getter for the [`triangles` field](Mesh#structfield.triangles).
        #[inline]
        pub fn triangles(&self) -> ::planus::Result<::planus::Vector<'a, self::TriangleRef<'a>>> {
            self.0.access_required(0, "Mesh", "triangles")
        }
    }

    impl<'a> ::core::fmt::Debug for MeshRef<'a> {
        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            let mut f = f.debug_struct("MeshRef");
            f.field("triangles", &self.triangles());
            f.finish()
        }
    }

    impl<'a> ::core::convert::TryFrom<MeshRef<'a>> for Mesh {
        type Error = ::planus::Error;

        #[allow(unreachable_code)]
        fn try_from(value: MeshRef<'a>) -> ::planus::Result<Self> {
            ::core::result::Result::Ok(Self {
                triangles: value.triangles()?.to_vec()?,
            })
        }
    }

    impl<'a> ::planus::TableRead<'a> for MeshRef<'a> {
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

    impl<'a> ::planus::VectorReadInner<'a> for MeshRef<'a> {
        type Error = ::planus::Error;
        const STRIDE: usize = 4;

        unsafe fn from_buffer(
            buffer: ::planus::SliceWithStartOffset<'a>,
            offset: usize,
        ) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(buffer, offset).map_err(|error_kind| {
                error_kind.with_error_location("[MeshRef]", "get", buffer.offset_from_start)
            })
        }
    }

    /// # Safety
    /// The planus compiler generates implementations that initialize
    /// the bytes in `write_values`.
    unsafe impl ::planus::VectorWrite<::planus::Offset<Mesh>> for Mesh {
        type Value = ::planus::Offset<Mesh>;
        const STRIDE: usize = 4;
        #[inline]
        fn prepare(&self, builder: &mut ::planus::Builder) -> Self::Value {
            ::planus::WriteAs::prepare(self, builder)
        }

        #[inline]
        unsafe fn write_values(
            values: &[::planus::Offset<Mesh>],
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

    impl<'a> ::planus::ReadAsRoot<'a> for MeshRef<'a> {
        fn read_as_root(slice: &'a [u8]) -> ::planus::Result<Self> {
            ::planus::TableRead::from_buffer(
                ::planus::SliceWithStartOffset {
                    buffer: slice,
                    offset_from_start: 0,
                },
                0,
            )
            .map_err(|error_kind| error_kind.with_error_location("[MeshRef]", "read_as_root", 0))
        }
    }
}
