fn main() {
    println!("{}", serde_json::to_string_pretty(&webhook_definition::Definition::json_schema()).unwrap());
}
