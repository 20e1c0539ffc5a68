//! The definition as a Rust value: tokens of an expression that builds the same
//! `webhook_definition::Definition` the generator validated.
//!
//! Model types are written `model::Type`; the generated function that holds the expression
//! imports `::webhook_runtime::definition as model`.
//!
//! Every model type is destructured exhaustively, so a field added to the model fails to compile
//! here until the generator writes it too.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use webhook_definition::*;

/// Types the generated code can rebuild as a literal expression.
pub trait Lit {
    /// The tokens of an expression of this value.
    fn lit(&self) -> TokenStream;
}

impl Lit for String {
    fn lit(&self) -> TokenStream {
        let s = Literal::string(self);
        quote!(#s.to_owned())
    }
}

impl Lit for bool {
    fn lit(&self) -> TokenStream {
        quote!(#self)
    }
}

impl Lit for u16 {
    fn lit(&self) -> TokenStream {
        let n = Literal::u16_unsuffixed(*self);
        quote!(#n)
    }
}

impl Lit for u32 {
    fn lit(&self) -> TokenStream {
        let n = Literal::u32_unsuffixed(*self);
        quote!(#n)
    }
}

impl Lit for i64 {
    fn lit(&self) -> TokenStream {
        let n = Literal::i64_unsuffixed(*self);
        quote!(#n)
    }
}

impl<T: Lit> Lit for Option<T> {
    fn lit(&self) -> TokenStream {
        match self {
            Some(v) => {
                let v = v.lit();
                quote!(::std::option::Option::Some(#v))
            }
            None => quote!(::std::option::Option::None),
        }
    }
}

impl<T: Lit> Lit for Vec<T> {
    fn lit(&self) -> TokenStream {
        if self.is_empty() {
            return quote!(::std::vec::Vec::new());
        }
        // `Vec::from([...])` rather than `vec![...]`: prettyplease formats arrays, not macro bodies.
        let items = self.iter().map(Lit::lit);
        quote!(::std::vec::Vec::from([#(#items),*]))
    }
}

impl<V: Lit> Lit for BTreeMap<String, V> {
    fn lit(&self) -> TokenStream {
        let entries = self.iter().map(|(k, v)| {
            let k = k.lit();
            let v = v.lit();
            quote!((#k, #v))
        });
        quote!(::std::collections::BTreeMap::from([#(#entries),*]))
    }
}

/// JSON values (event schemas, example configuration) are written as JSON text parsed once.
impl Lit for serde_json::Value {
    fn lit(&self) -> TokenStream {
        let text = Literal::string(&serde_json::to_string(self).expect("a JSON value always serializes"));
        quote!(json(#text))
    }
}

macro_rules! struct_lit {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Lit for $ty {
            fn lit(&self) -> TokenStream {
                let $ty { $($field),* } = self;
                $(let $field = $field.lit();)*
                quote!(model::$ty { $($field: #$field),* })
            }
        }
    };
}

macro_rules! unit_enum_lit {
    ($ty:ident { $($variant:ident),* $(,)? }) => {
        impl Lit for $ty {
            fn lit(&self) -> TokenStream {
                match self {
                    $($ty::$variant => quote!(model::$ty::$variant),)*
                }
            }
        }
    };
}

struct_lit!(Definition { spec_version, vendor, request, config, authentication, handshakes, events, responses, delivery, examples });
struct_lit!(Vendor { id, name, description, documentation_url, setup_steps });
struct_lit!(RequestShape { methods, body, header_aliases });
struct_lit!(HeaderAlias { name, aliases });
unit_enum_lit!(Method { Get, Head, Post, Put, Patch, Delete });
struct_lit!(ConfigField { name, title, description, secret, required, multiple, example });
struct_lit!(NoAuthentication { reason });
struct_lit!(AllOfChecks { checks });
struct_lit!(AnyOfChecks { checks });
unit_enum_lit!(HashAlgorithm { Sha1, Sha256, Sha512 });
struct_lit!(HmacCheck { algorithm, secret, signature, signed_message, timestamp, tolerance, scope });
unit_enum_lit!(SignatureScope { Request, BatchItem });
struct_lit!(PublicKeyCheck { public_key, signature, signed_message, timestamp, tolerance });
struct_lit!(StaticTokenCheck { location, token });
struct_lit!(BasicCheck { username_field, password_field });
struct_lit!(BodyTokenCheck { pointer, token });
struct_lit!(BodyDigestCheck { algorithm, encoding, query_parameter });
struct_lit!(SecretRef { config_field, decoding });
unit_enum_lit!(SecretDecoding { Verbatim, WhsecBase64, Base64, Hex });
struct_lit!(PublicKeyRef { config_field, encoding });
unit_enum_lit!(PublicKeyEncoding { Hex, Base64, SpkiDerBase64, Pem });
struct_lit!(SignatureLocation { header, body_pointer, format, encoding });
unit_enum_lit!(SignatureEncoding { Hex, Base64, Base64url });
struct_lit!(Timestamp { source, format });
unit_enum_lit!(TimestampFormat { UnixSeconds, UnixMilliseconds, Rfc3339 });
struct_lit!(Tolerance { past_seconds, future_seconds });
struct_lit!(Handshake { name, description, methods, when, verify_signature, require, response, reveal });
struct_lit!(Reveal { value, message });
struct_lit!(Responses { success, authentication_failed_status, rejected_status });
struct_lit!(Response { status, body, headers });
struct_lit!(JsonField { name, value });
struct_lit!(ResponseHeader { name, value });
struct_lit!(Events { batch, discriminator, document_key, types, unknown_types });
struct_lit!(Batch { items });
struct_lit!(EventType { collection, values, description, enabled, schema });
struct_lit!(UnknownTypes { action, collection });
unit_enum_lit!(UnknownTypeAction { Capture, Reject });
struct_lit!(Delivery { timeout_seconds, retries, retry_horizon_hours, disabling, replay, special_statuses });
struct_lit!(Example { name, description, source, config, now, request, expect });
struct_lit!(ExampleRequest { method, path, headers, body, body_file });
struct_lit!(ExpectedDocument { collection, event_type, key });

/// The model's path in generated code: the function holding the literal imports
/// `::webhook_runtime::definition as model`.
fn def() -> TokenStream {
    quote!(model)
}

impl Lit for Authentication {
    fn lit(&self) -> TokenStream {
        let d = def();
        match self {
            Authentication::None(v) => {
                let v = v.lit();
                quote!(#d::Authentication::None(#v))
            }
            Authentication::Hmac(v) => {
                let v = v.lit();
                quote!(#d::Authentication::Hmac(#v))
            }
            Authentication::Ed25519(v) => {
                let v = v.lit();
                quote!(#d::Authentication::Ed25519(#v))
            }
            Authentication::EcdsaP256(v) => {
                let v = v.lit();
                quote!(#d::Authentication::EcdsaP256(#v))
            }
            Authentication::StaticToken(v) => {
                let v = v.lit();
                quote!(#d::Authentication::StaticToken(#v))
            }
            Authentication::BodyToken(v) => {
                let v = v.lit();
                quote!(#d::Authentication::BodyToken(#v))
            }
            Authentication::Basic(v) => {
                let v = v.lit();
                quote!(#d::Authentication::Basic(#v))
            }
            Authentication::BodyDigest(v) => {
                let v = v.lit();
                quote!(#d::Authentication::BodyDigest(#v))
            }
            Authentication::AllOf(v) => {
                let v = v.lit();
                quote!(#d::Authentication::AllOf(#v))
            }
            Authentication::AnyOf(v) => {
                let v = v.lit();
                quote!(#d::Authentication::AnyOf(#v))
            }
        }
    }
}

impl Lit for BodyEncoding {
    fn lit(&self) -> TokenStream {
        let d = def();
        match self {
            BodyEncoding::Json => quote!(#d::BodyEncoding::Json),
            BodyEncoding::Form => quote!(#d::BodyEncoding::Form),
            BodyEncoding::FormFieldJson { field } => {
                let field = field.lit();
                quote!(#d::BodyEncoding::FormFieldJson { field: #field })
            }
            BodyEncoding::JsonOrFormField { field } => {
                let field = field.lit();
                quote!(#d::BodyEncoding::JsonOrFormField { field: #field })
            }
        }
    }
}

impl Lit for TokenLocation {
    fn lit(&self) -> TokenStream {
        let d = def();
        match self {
            TokenLocation::Header { name, prefix, name_config_field } => {
                let (name, prefix, name_config_field) = (name.lit(), prefix.lit(), name_config_field.lit());
                quote!(#d::TokenLocation::Header { name: #name, prefix: #prefix, name_config_field: #name_config_field })
            }
            TokenLocation::QueryParameter { name } => {
                let name = name.lit();
                quote!(#d::TokenLocation::QueryParameter { name: #name })
            }
        }
    }
}

impl Lit for SignatureFormat {
    fn lit(&self) -> TokenStream {
        let d = def();
        match self {
            SignatureFormat::Bare => quote!(#d::SignatureFormat::Bare),
            SignatureFormat::Prefixed { prefix } => {
                let prefix = prefix.lit();
                quote!(#d::SignatureFormat::Prefixed { prefix: #prefix })
            }
            SignatureFormat::KeyValueList { separator, signature_key, timestamp_key } => {
                let (separator, signature_key, timestamp_key) = (separator.lit(), signature_key.lit(), timestamp_key.lit());
                quote!(#d::SignatureFormat::KeyValueList { separator: #separator, signature_key: #signature_key, timestamp_key: #timestamp_key })
            }
            SignatureFormat::VersionedList { separator, version } => {
                let (separator, version) = (separator.lit(), version.lit());
                quote!(#d::SignatureFormat::VersionedList { separator: #separator, version: #version })
            }
            SignatureFormat::TimestampThenSignatures { separator } => {
                let separator = separator.lit();
                quote!(#d::SignatureFormat::TimestampThenSignatures { separator: #separator })
            }
        }
    }
}

impl Lit for TimestampSource {
    fn lit(&self) -> TokenStream {
        let d = def();
        match self {
            TimestampSource::Header { name } => {
                let name = name.lit();
                quote!(#d::TimestampSource::Header { name: #name })
            }
            TimestampSource::SignatureField => quote!(#d::TimestampSource::SignatureField),
            TimestampSource::BodyPointer { pointer } => {
                let pointer = pointer.lit();
                quote!(#d::TimestampSource::BodyPointer { pointer: #pointer })
            }
        }
    }
}

impl Lit for Condition {
    fn lit(&self) -> TokenStream {
        let d = def();
        match self {
            Condition::Equals { value, to } => {
                let (value, to) = (value.lit(), to.lit());
                quote!(#d::Condition::Equals { value: #value, to: #to })
            }
            Condition::EqualsConfig { value, config_field } => {
                let (value, config_field) = (value.lit(), config_field.lit());
                quote!(#d::Condition::EqualsConfig { value: #value, config_field: #config_field })
            }
            Condition::Present { value } => {
                let value = value.lit();
                quote!(#d::Condition::Present { value: #value })
            }
        }
    }
}

impl Lit for ResponseBody {
    fn lit(&self) -> TokenStream {
        let d = def();
        match self {
            ResponseBody::Empty => quote!(#d::ResponseBody::Empty),
            ResponseBody::Text { value } => {
                let value = value.lit();
                quote!(#d::ResponseBody::Text { value: #value })
            }
            ResponseBody::JsonObject { fields } => {
                let fields = fields.lit();
                quote!(#d::ResponseBody::JsonObject { fields: #fields })
            }
        }
    }
}

impl Lit for ResponseValue {
    fn lit(&self) -> TokenStream {
        let d = def();
        match self {
            ResponseValue::Literal { value } => {
                let value = value.lit();
                quote!(#d::ResponseValue::Literal { value: #value })
            }
            ResponseValue::Echo { source } => {
                let source = source.lit();
                quote!(#d::ResponseValue::Echo { source: #source })
            }
            ResponseValue::Hmac { algorithm, secret, message, encoding } => {
                let (algorithm, secret, message, encoding) = (algorithm.lit(), secret.lit(), message.lit(), encoding.lit());
                quote!(#d::ResponseValue::Hmac { algorithm: #algorithm, secret: #secret, message: #message, encoding: #encoding })
            }
        }
    }
}

impl Lit for ValueSource {
    fn lit(&self) -> TokenStream {
        let d = def();
        match self {
            ValueSource::BodyPointer { pointer } => {
                let pointer = pointer.lit();
                quote!(#d::ValueSource::BodyPointer { pointer: #pointer })
            }
            ValueSource::Header { name } => {
                let name = name.lit();
                quote!(#d::ValueSource::Header { name: #name })
            }
            ValueSource::FormField { name } => {
                let name = name.lit();
                quote!(#d::ValueSource::FormField { name: #name })
            }
            ValueSource::QueryParameter { name } => {
                let name = name.lit();
                quote!(#d::ValueSource::QueryParameter { name: #name })
            }
            ValueSource::PathSegment { index } => {
                let index = index.lit();
                quote!(#d::ValueSource::PathSegment { index: #index })
            }
            ValueSource::Constant { value } => {
                let value = value.lit();
                quote!(#d::ValueSource::Constant { value: #value })
            }
            ValueSource::Composite { parts, separator } => {
                let (parts, separator) = (parts.lit(), separator.lit());
                quote!(#d::ValueSource::Composite { parts: #parts, separator: #separator })
            }
            ValueSource::FirstOf { sources } => {
                let sources = sources.lit();
                quote!(#d::ValueSource::FirstOf { sources: #sources })
            }
            ValueSource::PresentMember { pointer, members, prefix } => {
                let (pointer, members, prefix) = (pointer.lit(), members.lit(), prefix.lit());
                quote!(#d::ValueSource::PresentMember { pointer: #pointer, members: #members, prefix: #prefix })
            }
            ValueSource::ContentHash { pointers } => {
                let pointers = pointers.lit();
                quote!(#d::ValueSource::ContentHash { pointers: #pointers })
            }
            ValueSource::BatchIndex => quote!(#d::ValueSource::BatchIndex),
        }
    }
}

impl Lit for Expectation {
    fn lit(&self) -> TokenStream {
        let d = def();
        match self {
            Expectation::Captured { documents } => {
                let documents = documents.lit();
                quote!(#d::Expectation::Captured { documents: #documents })
            }
            Expectation::Rejected { status } => {
                let status = status.lit();
                quote!(#d::Expectation::Rejected { status: #status })
            }
            Expectation::Handshake { name, status, body } => {
                let (name, status, body) = (name.lit(), status.lit(), body.lit());
                quote!(#d::Expectation::Handshake { name: #name, status: #status, body: #body })
            }
        }
    }
}
