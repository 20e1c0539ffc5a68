//! Test scaffolding: a connector that reads its vendor definition at start-up from the YAML file
//! named by `WEBHOOK_DEFINITION` instead of having it compiled in, and routes with the runtime's
//! reference router. Everything else is `webhook_runtime::main`, exactly as in a generated
//! connector. The e2e tests use the generated binaries when they exist and fall back to this.

use std::process::ExitCode;

use webhook_runtime::Vendor;
use webhook_runtime::core::route::route_by_definition;
use webhook_runtime::definition::Definition;

struct Interpreted(&'static Definition);

impl Vendor for Interpreted {
    fn definition(&self) -> &'static Definition {
        self.0
    }

    fn route(&self, event_type: &str) -> Option<usize> {
        route_by_definition(self.0, event_type)
    }
}

fn main() -> ExitCode {
    let Ok(path) = std::env::var("WEBHOOK_DEFINITION") else {
        eprintln!("fixture-connector: set WEBHOOK_DEFINITION to a vendor definition YAML file");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("fixture-connector: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let definition: Definition = match yaml_serde::from_str(&text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("fixture-connector: {path} is not a vendor definition: {e}");
            return ExitCode::from(2);
        }
    };
    let vendor: &'static Interpreted = Box::leak(Box::new(Interpreted(Box::leak(Box::new(definition)))));
    webhook_runtime::main(vendor)
}
