//! The Rust files of a connector, as token streams: `src/vendor.rs` (the definition as a value,
//! the event-type router, the configuration types), `src/main.rs` and `tests/examples.rs`.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::lower::Connector;

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc]` attributes, one per line, so prettyplease prints `///` comments.
fn docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let line = format!(" {}", l.trim_end());
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// `#![doc]` attributes, one per line, so prettyplease prints `//!` comments.
fn inner_docs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let line = format!(" {}", l.trim_end());
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// `src/main.rs`: the binary is the runtime's CLI over this vendor.
pub fn main_rs(c: &Connector) -> TokenStream {
    let lib = ident(&c.lib_name);
    let doc = inner_docs(&format!(
        "The `{}` binary: Flow mode without arguments, `serve --config FILE` standalone.",
        c.crate_name
    ));
    quote! {
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #doc

        fn main() -> ::std::process::ExitCode {
            ::webhook_runtime::main(&#lib::VENDOR)
        }
    }
}

/// `src/vendor.rs`: everything vendor-specific, as data and a router.
pub fn vendor_rs(c: &Connector) -> TokenStream {
    let d = &c.definition;
    let crate_doc = inner_docs(&format!(
        "{} webhook connector, generated from `{}`.\n\n{}\n\nAll behaviour lives in `webhook_runtime`; this crate is the vendor's definition as a value, a\n`match` router over its event types, and the types of its configuration.",
        d.vendor.name,
        c.source_label,
        if d.vendor.description.is_empty() { format!("Captures {} webhooks.", d.vendor.name) } else { d.vendor.description.clone() },
    ));

    let event_types: Vec<_> = c.collections.iter().filter(|c| c.event_type_index.is_some()).collect();
    let type_variants: Vec<Ident> = event_types.iter().map(|t| ident(&t.variant)).collect();
    let type_docs: Vec<TokenStream> = event_types
        .iter()
        .map(|t| {
            docs(&format!(
                "{}\n\nValues: {}. Collection: `{}`.",
                t.description,
                t.values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "),
                t.name
            ))
        })
        .collect();
    let type_count = Literal::usize_unsuffixed(event_types.len());
    let type_indexes: Vec<Literal> =
        event_types.iter().map(|t| Literal::usize_unsuffixed(t.event_type_index.unwrap_or_default())).collect();

    let variant_of_index = |index: usize| -> Ident {
        let t = event_types.iter().find(|t| t.event_type_index == Some(index)).expect("every event type has a collection");
        ident(&t.variant)
    };
    let exact_arms = c.exact_routes.iter().map(|(value, index)| {
        let variant = variant_of_index(*index);
        quote!(#value => ::std::option::Option::Some(EventType::#variant),)
    });
    let (fallback, pattern_fn) = if c.pattern_routes.is_empty() {
        (quote!(::std::option::Option::None), quote!())
    } else {
        let checks = c.pattern_routes.iter().map(|(pattern, index)| {
            let variant = variant_of_index(*index);
            quote! {
                if ::webhook_runtime::core::route::glob_match(#pattern, value) {
                    return ::std::option::Option::Some(EventType::#variant);
                }
            }
        });
        (
            quote!(EventType::from_pattern(value)),
            quote! {
                /// The event type of a value no exact value matched: glob patterns, in
                /// definition order.
                fn from_pattern(value: &str) -> ::std::option::Option<EventType> {
                    #(#checks)*
                    ::std::option::Option::None
                }
            },
        )
    };

    let collection_variants: Vec<Ident> = c.collections.iter().map(|c| ident(&c.variant)).collect();
    let collection_names: Vec<&str> = c.collections.iter().map(|c| c.name.as_str()).collect();
    let collection_docs: Vec<TokenStream> = c.collections.iter().map(|c| docs(&c.description)).collect();
    let collection_count = Literal::usize_unsuffixed(c.collections.len());
    let bindings: Vec<Literal> = (0..c.collections.len()).map(Literal::usize_unsuffixed).collect();
    let type_collections: Vec<Ident> = type_variants.clone();

    let uses_one_or_many = c.config.iter().any(|f| f.multiple);
    let config_fields = c.config.iter().map(|f| {
        let field = ident(&f.field);
        let mut doc = f.description.clone();
        if f.secret {
            doc.push_str("\n\nA secret: masked in forms, redacted from logs and documents.");
        }
        let doc = docs(&doc);
        let title = &f.title;
        let rename = (f.field != f.name).then(|| {
            let name = &f.name;
            quote!(#[serde(rename = #name)])
        });
        let secret = f.secret.then(|| quote!(#[schemars(extend("secret" = true))]));
        let base = if f.multiple { quote!(OneOrMany) } else { quote!(::std::string::String) };
        let (ty, default) = if f.required {
            (base, quote!())
        } else {
            (quote!(::std::option::Option<#base>), quote!(#[serde(default)]))
        };
        quote! {
            #doc
            #[schemars(title = #title)]
            #secret
            #rename
            #default
            pub #field: #ty,
        }
    });
    let one_or_many = uses_one_or_many.then(|| {
        quote! {
            /// One value, or several during a rotation (a request verified by any of them is
            /// accepted).
            #[derive(Debug, Clone, PartialEq, Eq, ::serde::Deserialize, ::schemars::JsonSchema)]
            #[serde(untagged)]
            pub enum OneOrMany {
                /// A single value.
                One(::std::string::String),
                /// Several values.
                Many(::std::vec::Vec<::std::string::String>),
            }
        }
    });

    let uses_json = d.events.types.iter().any(|t| t.schema.is_some()) || d.examples.iter().any(|e| !e.config.is_empty());
    let json_fn = uses_json.then(|| {
        quote! {
            /// Parses JSON text that webhookgen wrote from the validated definition.
            fn json(text: &str) -> ::serde_json::Value {
                ::serde_json::from_str(text).expect("webhookgen writes valid JSON")
            }
        }
    });
    let definition = crate::emit::literal::Lit::lit(d);
    let config_title = format!("{} webhook connector configuration", d.vendor.name);
    let resource_title = format!("{} webhook binding", d.vendor.name);

    quote! {
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #crate_doc

        /// The connector, as `webhook_runtime` sees it.
        pub static VENDOR: Connector = Connector;

        /// The vendor's definition and router.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct Connector;

        impl ::webhook_runtime::Vendor for Connector {
            fn definition(&self) -> &'static ::webhook_runtime::definition::Definition {
                &DEFINITION
            }

            fn route(&self, event_type: &str) -> ::std::option::Option<usize> {
                EventType::from_value(event_type).map(EventType::index)
            }
        }

        /// The event types the definition knows, one per `events.types` entry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType {
            #(#type_docs #type_variants,)*
        }

        impl EventType {
            /// Every event type, in definition order.
            pub const ALL: [EventType; #type_count] = [#(EventType::#type_variants),*];

            /// The event type a discriminator value belongs to: exact values first, then glob
            /// patterns in definition order; `None` for a type the definition does not know.
            pub fn from_value(value: &str) -> ::std::option::Option<EventType> {
                match value {
                    #(#exact_arms)*
                    _ => #fallback,
                }
            }

            #pattern_fn

            /// The index of this type in the definition's `events.types`.
            pub fn index(self) -> usize {
                match self {
                    #(EventType::#type_variants => #type_indexes,)*
                }
            }

            /// The collection this type is captured into.
            pub fn collection(self) -> Collection {
                match self {
                    #(EventType::#type_variants => Collection::#type_collections,)*
                }
            }
        }

        /// The connector's collections, in binding order: the event types, then the catch-all.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema)]
        pub enum Collection {
            #(#collection_docs #[serde(rename = #collection_names)] #collection_variants,)*
        }

        impl Collection {
            /// Every collection, in binding order.
            pub const ALL: [Collection; #collection_count] = [#(Collection::#collection_variants),*];

            /// The collection's name.
            pub fn name(self) -> &'static str {
                match self {
                    #(Collection::#collection_variants => #collection_names,)*
                }
            }

            /// The collection's binding index.
            pub fn binding(self) -> usize {
                match self {
                    #(Collection::#collection_variants => #bindings,)*
                }
            }
        }

        /// The endpoint configuration a user provides.
        #[derive(Debug, Clone, ::serde::Deserialize, ::schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[schemars(title = #config_title)]
        pub struct EndpointConfig {
            #(#config_fields)*
        }

        #one_or_many

        /// The configuration of one binding: the collection it captures.
        #[derive(Debug, Clone, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[schemars(title = #resource_title)]
        pub struct ResourceConfig {
            /// The event-type collection this binding captures.
            pub collection: Collection,
        }

        static DEFINITION: ::std::sync::LazyLock<::webhook_runtime::definition::Definition> =
            ::std::sync::LazyLock::new(definition);

        /// The definition, as validated by webhookgen (example bodies inlined).
        fn definition() -> ::webhook_runtime::definition::Definition {
            use ::webhook_runtime::definition as model;
            #definition
        }

        #json_fn
    }
}

/// `tests/examples.rs`: each example through the runtime's test helpers.
pub fn examples_rs(c: &Connector) -> TokenStream {
    let lib = ident(&c.lib_name);
    let doc = inner_docs(&format!(
        "Tests generated from the examples of `{}`: each example runs through the connector's\nprocessor and must give the expected outcome; captured examples must also fail when tampered\nwith, when stale, and route an unknown event type to the catch-all.",
        c.source_label
    ));
    let tests = c.examples.iter().map(|e| {
        let name = &e.name;
        let base = format_ident!("{}", e.test_name);
        let mut out = quote! {
            #[test]
            fn #base() {
                ::webhook_runtime::testing::run_example(&VENDOR, #name);
            }
        };
        if e.captured && c.authenticated {
            let f = format_ident!("{}_tampered", e.test_name);
            out.extend(quote! {
                #[test]
                fn #f() {
                    ::webhook_runtime::testing::run_tampered(&VENDOR, #name);
                }
            });
        }
        if e.captured && c.has_tolerance {
            let f = format_ident!("{}_stale", e.test_name);
            out.extend(quote! {
                #[test]
                fn #f() {
                    ::webhook_runtime::testing::run_stale(&VENDOR, #name);
                }
            });
        }
        if e.captured && c.discriminated {
            let f = format_ident!("{}_unknown_type", e.test_name);
            out.extend(quote! {
                #[test]
                fn #f() {
                    ::webhook_runtime::testing::run_unknown_type(&VENDOR, #name);
                }
            });
        }
        out
    });
    quote! {
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #doc

        use ::webhook_runtime::Vendor as _;
        use #lib::{Collection, EndpointConfig, EventType, VENDOR};

        #(#tests)*

        #[test]
        fn router_agrees_with_definition() {
            ::webhook_runtime::testing::check_router(&VENDOR);
        }

        #[test]
        fn every_example_configuration_is_an_endpoint_config() {
            for example in &VENDOR.definition().examples {
                let config = ::serde_json::to_value(&example.config).expect("a configuration serializes");
                if let ::std::result::Result::Err(error) = ::serde_json::from_value::<EndpointConfig>(config) {
                    panic!("example `{}`: its configuration is not a valid EndpointConfig: {error}", example.name);
                }
            }
        }

        #[test]
        fn collections_follow_the_binding_order() {
            let definition = VENDOR.definition();
            let expected: ::std::vec::Vec<::std::string::String> =
                ::webhook_runtime::definition::schemas::collections(definition).into_iter().map(|c| c.name).collect();
            let generated: ::std::vec::Vec<&str> = Collection::ALL.iter().map(|c| c.name()).collect();
            assert_eq!(generated, expected);
            for (binding, collection) in Collection::ALL.iter().enumerate() {
                assert_eq!(collection.binding(), binding);
            }
            for event_type in EventType::ALL {
                let declared = &definition.events.types[event_type.index()].collection;
                assert_eq!(event_type.collection().name(), declared.as_str());
            }
        }
    }
}
