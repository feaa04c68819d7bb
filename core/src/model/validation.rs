//! Name, label and annotation validation and field errors, after upstream
//! `staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go`,
//! `.../util/validation/field/errors.go`, `.../api/validation/objectmeta.go` and
//! `.../apis/meta/v1/validation/validation.go`.
//!
//! Each `is_*` returns upstream's messages (empty when valid). The regexes are matched
//! by hand (no regex crate), but the messages quote upstream's regexes verbatim.

use std::collections::BTreeMap;
use std::fmt;

const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_ERR_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_MAX_LENGTH: usize = 63;

const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;

const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;

const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
pub const DNS1035_LABEL_MAX_LENGTH: usize = 63;

/// `TotalAnnotationSizeLimitB` (objectmeta.go): 256 KiB over all keys and values.
pub const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES: usize = 256 * 1024;

/// `MaxLenError`: "must be no more than 63 characters".
pub fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// `EmptyError`.
pub fn empty_error() -> String {
    "must be non-empty".to_string()
}

/// `RegexError`. Each example is written `'<ex>', ` and every example after the first is
/// preceded by ` or `, hence upstream's two spaces:
/// `... (e.g. 'my-name',  or '123-abc', regex used for validation is '...')`.
pub fn regex_error(message: &str, regex: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{message} (regex used for validation is '{regex}')");
    }
    let mut out = format!("{message} (e.g. ");
    for (index, example) in examples.iter().enumerate() {
        if index > 0 {
            out.push_str(" or ");
        }
        out.push('\'');
        out.push_str(example);
        out.push_str("', ");
    }
    out.push_str("regex used for validation is '");
    out.push_str(regex);
    out.push_str("')");
    out
}

fn matches_dns1123_label(value: &str) -> bool {
    let bytes = value.as_bytes();
    let edge = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            edge(first) && edge(last) && bytes.iter().all(|&b| edge(b) || b == b'-')
        }
        _ => false,
    }
}

fn matches_dns1123_subdomain(value: &str) -> bool {
    value.split('.').all(matches_dns1123_label)
}

fn matches_dns1035_label(value: &str) -> bool {
    matches_dns1123_label(value) && value.as_bytes()[0].is_ascii_lowercase()
}

fn matches_qualified_name_part(value: &str) -> bool {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        }
        _ => false,
    }
}

/// `IsDNS1123Label` (Namespace names): `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63.
/// A valid subdomain that is not a label gets "must not contain dots" ("a.b").
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errors.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !matches_dns1123_label(value) {
        if matches_dns1123_subdomain(value) {
            errors.push("must not contain dots".to_string());
        } else {
            errors.push(regex_error(
                DNS1123_LABEL_ERR_MSG,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errors
}

/// `IsDNS1123Subdomain` (most object names): dot-joined labels, at most 253.
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errors.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !matches_dns1123_subdomain(value) {
        errors.push(regex_error(
            DNS1123_SUBDOMAIN_ERR_MSG,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errors
}

/// `IsDNS1035Label` (Service names): like a DNS-1123 label but starting with a letter.
pub fn is_dns1035_label(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > DNS1035_LABEL_MAX_LENGTH {
        errors.push(max_len_error(DNS1035_LABEL_MAX_LENGTH));
    }
    if !matches_dns1035_label(value) {
        errors.push(regex_error(
            DNS1035_LABEL_ERR_MSG,
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errors
}

/// `IsQualifiedName` (label and annotation keys): `[prefix/]name`, the prefix a DNS-1123
/// subdomain, the name at most 63 of `[-A-Za-z0-9_.]` starting and ending alphanumeric.
/// "example.com/" gives both "name part must be non-empty" and the name regex error.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errors.push(format!("prefix part {}", empty_error()));
            } else {
                errors.extend(
                    is_dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|message| format!("prefix part {message}")),
                );
            }
            *name
        }
        _ => {
            errors.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(
                    QUALIFIED_NAME_ERR_MSG,
                    QUALIFIED_NAME_FMT,
                    &["MyName", "my.name", "123-abc"]
                )
            ));
            return errors;
        }
    };
    if name.is_empty() {
        errors.push(format!("name part {}", empty_error()));
    } else if name.len() > QUALIFIED_NAME_MAX_LENGTH {
        errors.push(format!(
            "name part {}",
            max_len_error(QUALIFIED_NAME_MAX_LENGTH)
        ));
    }
    if !matches_qualified_name_part(name) {
        errors.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_ERR_MSG,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errors
}

/// `IsValidLabelValue`: empty, or at most 63 of `[-A-Za-z0-9_.]` starting and ending
/// alphanumeric.
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errors.push(max_len_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !value.is_empty() && !matches_qualified_name_part(value) {
        errors.push(regex_error(
            LABEL_VALUE_ERR_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errors
}

// ---------------------------------------------------------------------------------------
// Field errors (`util/validation/field/errors.go`)

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FieldErrorType {
    Invalid,
    Required,
    NotFound,
    Duplicate,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
}

impl FieldErrorType {
    /// `ErrorType.String()`: the words printed in messages.
    pub fn message(self) -> &'static str {
        match self {
            FieldErrorType::NotFound => "Not found",
            FieldErrorType::Required => "Required value",
            FieldErrorType::Duplicate => "Duplicate value",
            FieldErrorType::Invalid => "Invalid value",
            FieldErrorType::NotSupported => "Unsupported value",
            FieldErrorType::Forbidden => "Forbidden",
            FieldErrorType::TooLong => "Too long",
            FieldErrorType::TooMany => "Too many",
            FieldErrorType::Internal => "Internal error",
        }
    }

    /// The machine-readable cause type (`FieldValueInvalid`, ...), as in a Status' causes.
    pub fn reason(self) -> &'static str {
        match self {
            FieldErrorType::NotFound => "FieldValueNotFound",
            FieldErrorType::Required => "FieldValueRequired",
            FieldErrorType::Duplicate => "FieldValueDuplicate",
            FieldErrorType::Invalid => "FieldValueInvalid",
            FieldErrorType::NotSupported => "FieldValueNotSupported",
            FieldErrorType::Forbidden => "FieldValueForbidden",
            FieldErrorType::TooLong => "FieldValueTooLong",
            FieldErrorType::TooMany => "FieldValueTooMany",
            FieldErrorType::Internal => "InternalError",
        }
    }
}

impl fmt::Display for FieldErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// `field.Error`. `bad_value` is already rendered as upstream renders it (`"Foo"` quoted
/// for strings via [`render_str`], `-1` for ints); `None` omits it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct FieldError {
    pub error_type: FieldErrorType,
    pub field: String,
    pub bad_value: Option<String>,
    pub detail: String,
}

impl FieldError {
    pub fn new(
        error_type: FieldErrorType,
        field: impl Into<String>,
        bad_value: Option<String>,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            error_type,
            field: field.into(),
            bad_value,
            detail: detail.into(),
        }
    }

    /// `field.Invalid`: `metadata.name: Invalid value: "Foo": <detail>`.
    pub fn invalid(
        field: impl Into<String>,
        value_rendered: impl Into<String>,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError::new(
            FieldErrorType::Invalid,
            field,
            Some(value_rendered.into()),
            detail,
        )
    }

    /// `field.Required`: `spec.template.spec.containers: Required value`.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError::new(FieldErrorType::Required, field, None, detail)
    }

    /// `field.NotSupported`: `spec.strategy.type: Unsupported value: "Foo": supported values:
    /// "Recreate", "RollingUpdate"`.
    pub fn not_supported<S: AsRef<str>>(
        field: impl Into<String>,
        value_rendered: impl Into<String>,
        valid: &[S],
    ) -> FieldError {
        let detail = if valid.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = valid
                .iter()
                .map(|value| render_str(value.as_ref()))
                .collect();
            format!("supported values: {}", quoted.join(", "))
        };
        FieldError::new(
            FieldErrorType::NotSupported,
            field,
            Some(value_rendered.into()),
            detail,
        )
    }

    /// `field.Duplicate`: `spec.containers[1].name: Duplicate value: "web"`.
    pub fn duplicate(field: impl Into<String>, value_rendered: impl Into<String>) -> FieldError {
        FieldError::new(
            FieldErrorType::Duplicate,
            field,
            Some(value_rendered.into()),
            "",
        )
    }

    /// `field.NotFound`.
    pub fn not_found(field: impl Into<String>, value_rendered: impl Into<String>) -> FieldError {
        FieldError::new(
            FieldErrorType::NotFound,
            field,
            Some(value_rendered.into()),
            "",
        )
    }

    /// `field.Forbidden`: `spec.selector: Forbidden: <detail>`.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError::new(FieldErrorType::Forbidden, field, None, detail)
    }

    /// `field.TooLong`: `metadata.annotations: Too long: must have at most 262144 bytes`.
    pub fn too_long(field: impl Into<String>, max_length_bytes: usize) -> FieldError {
        FieldError::new(
            FieldErrorType::TooLong,
            field,
            None,
            format!("must have at most {max_length_bytes} bytes"),
        )
    }

    /// `field.TooMany`: `<field>: Too many: 5: must have at most 3 items`.
    pub fn too_many(
        field: impl Into<String>,
        actual_quantity: Option<i64>,
        max_quantity: Option<i64>,
    ) -> FieldError {
        let detail = match max_quantity {
            Some(max) => format!("must have at most {max} items"),
            None => "has too many items".to_string(),
        };
        FieldError::new(
            FieldErrorType::TooMany,
            field,
            actual_quantity.map(|actual| actual.to_string()),
            detail,
        )
    }

    /// `field.InternalError`.
    pub fn internal(field: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError::new(FieldErrorType::Internal, field, None, detail)
    }

    /// `ErrorBody()`: the message without the field. Required, Forbidden, TooLong and
    /// Internal never print the value.
    pub fn error_body(&self) -> String {
        let mut body = self.error_type.message().to_string();
        let prints_value = !matches!(
            self.error_type,
            FieldErrorType::Required
                | FieldErrorType::Forbidden
                | FieldErrorType::TooLong
                | FieldErrorType::Internal
        );
        if prints_value && let Some(value) = &self.bad_value {
            body.push_str(": ");
            body.push_str(value);
        }
        if !self.detail.is_empty() {
            body.push_str(": ");
            body.push_str(&self.detail);
        }
        body
    }
}

impl fmt::Display for FieldError {
    /// `Error()`: `<field>: <body>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.error_body())
    }
}

/// `ErrorList.ToAggregate().Error()`: duplicate messages dropped, one message as is,
/// several as `[a, b]`; empty when there are none.
pub fn aggregate_message(errors: &[FieldError]) -> String {
    let mut messages: Vec<String> = Vec::new();
    for error in errors {
        let message = error.to_string();
        if !messages.contains(&message) {
            messages.push(message);
        }
    }
    match messages.len() {
        1 => messages.remove(0),
        _ if messages.is_empty() => String::new(),
        _ => format!("[{}]", messages.join(", ")),
    }
}

/// Go's `%q` / `strconv.Quote`: `Foo` → `"Foo"`, a newline → `\n`.
pub fn render_str(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                let code = c as u32;
                if code <= 0xffff {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%v` of an integer: `-1`.
pub fn render_int(value: i64) -> String {
    value.to_string()
}

/// Go's `%#v` of a `[]string`: `[]string{"a", "b"}`; `None` is a nil slice,
/// `[]string(nil)`.
pub fn render_str_slice(values: Option<&[String]>) -> String {
    match values {
        None => "[]string(nil)".to_string(),
        Some(values) => {
            let quoted: Vec<String> = values.iter().map(|value| render_str(value)).collect();
            format!("[]string{{{}}}", quoted.join(", "))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Object-level helpers

/// Which name rule a kind uses (`ValidateObjectMeta`'s nameFn).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// Pods, ReplicaSets, Deployments, DaemonSets, Nodes, ConfigMaps, Secrets, Endpoints, ...
    Dns1123Subdomain,
    /// Namespaces.
    Dns1123Label,
    /// Services.
    Dns1035Label,
}

/// The messages for `name` under `rule` (`NameIsDNSSubdomain`, `NameIsDNSLabel`,
/// `NameIsDNS1035Label` with prefix=false). An empty name is left to the caller
/// (upstream reports "name or generateName is required" before this runs).
pub fn validate_object_meta_name(name: &str, rule: NameRule) -> Vec<String> {
    match rule {
        NameRule::Dns1123Subdomain => is_dns1123_subdomain(name),
        NameRule::Dns1123Label => is_dns1123_label(name),
        NameRule::Dns1035Label => is_dns1035_label(name),
    }
}

/// `ValidateObjectMeta`'s name checks as field errors. generateName (when set) is checked
/// with its trailing dash masked, at `metadata.generateName`; then an empty name is
/// `metadata.name: Required value: name or generateName is required` (the server fills
/// name from generateName before validating), else each message becomes
/// `metadata.name: Invalid value: "Foo": a lowercase RFC 1123 subdomain must ...`.
pub fn validate_object_meta_name_field(
    name: &str,
    generate_name: &str,
    rule: NameRule,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !generate_name.is_empty() {
        for message in validate_object_meta_name(&mask_trailing_dash(generate_name), rule) {
            errors.push(FieldError::invalid(
                "metadata.generateName",
                render_str(generate_name),
                message,
            ));
        }
    }
    if name.is_empty() {
        errors.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        for message in validate_object_meta_name(name, rule) {
            errors.push(FieldError::invalid(
                "metadata.name",
                render_str(name),
                message,
            ));
        }
    }
    errors
}

/// upstream `maskTrailingDash`: a generateName may end in '-', so its last two bytes are
/// replaced by "a" before the name rule runs ("web-" → "wea"; upstream's own quirk).
fn mask_trailing_dash(name: &str) -> String {
    if name.len() > 1 && name.ends_with('-') {
        let cut = name.len() - 2;
        if let Some(head) = name.get(..cut) {
            return format!("{head}a");
        }
    }
    name.to_string()
}

/// `ValidateLabels`: each key a qualified name, each value a valid label value, both
/// reported at `field_path` (e.g. `metadata.labels`).
pub fn validate_labels(labels: &BTreeMap<String, String>, field_path: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (key, value) in labels {
        for message in is_qualified_name(key) {
            errors.push(FieldError::invalid(field_path, render_str(key), message));
        }
        for message in is_valid_label_value(value) {
            errors.push(FieldError::invalid(field_path, render_str(value), message));
        }
    }
    errors
}

/// `ValidateAnnotations`: keys are qualified names compared lower-cased (case does not
/// matter), and keys plus values total at most 262144 bytes.
pub fn validate_annotations(
    annotations: &BTreeMap<String, String>,
    field_path: &str,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut total_bytes: usize = 0;
    for (key, value) in annotations {
        for message in is_qualified_name(&key.to_lowercase()) {
            errors.push(FieldError::invalid(field_path, render_str(key), message));
        }
        total_bytes = total_bytes.saturating_add(key.len() + value.len());
    }
    if total_bytes > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES {
        errors.push(FieldError::too_long(
            field_path,
            TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
        ));
    }
    errors
}

/// True for an IPv4 (`10.96.0.1`) or IPv6 (`2001:db8::ffff`) address, as
/// `netutils.ParseIPSloppy` accepts them (`util/validation/ip.go`). Written out
/// rather than taken from `std::net` because core stays free of the network module.
pub fn is_ip_address(text: &str) -> bool {
    is_ipv4_address(text) || is_ipv6_address(text)
}

/// Four dot-separated decimal octets, each 0–255 (leading zeros allowed, as the sloppy parser does).
pub fn is_ipv4_address(text: &str) -> bool {
    let octets: Vec<&str> = text.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|octet| {
            !octet.is_empty()
                && octet.len() <= 3
                && octet.bytes().all(|b| b.is_ascii_digit())
                && octet.parse::<u16>().is_ok_and(|value| value <= 255)
        })
}

/// Eight colon-separated groups of up to four hex digits, with at most one `::`
/// standing for one or more zero groups, and optionally an IPv4 tail.
pub fn is_ipv6_address(text: &str) -> bool {
    if text.matches("::").count() > 1 || text.contains(":::") {
        return false;
    }
    let (head, tail, compressed) = match text.split_once("::") {
        Some((head, tail)) => (head, tail, true),
        None => (text, "", false),
    };
    let parse_groups = |part: &str| -> Option<(usize, bool)> {
        if part.is_empty() {
            return Some((0, false));
        }
        let groups: Vec<&str> = part.split(':').collect();
        let mut count = 0;
        for (index, group) in groups.iter().enumerate() {
            if index == groups.len() - 1 && group.contains('.') {
                return is_ipv4_address(group).then_some((count + 2, true));
            }
            if group.is_empty() || group.len() > 4 || !group.bytes().all(|b| b.is_ascii_hexdigit())
            {
                return None;
            }
            count += 1;
        }
        Some((count, false))
    };
    let Some((head_groups, head_v4)) = parse_groups(head) else {
        return false;
    };
    let Some((tail_groups, _)) = parse_groups(tail) else {
        return false;
    };
    if head_v4 && compressed {
        return false;
    }
    let groups = head_groups + tail_groups;
    if compressed { groups < 8 } else { groups == 8 }
}

#[cfg(test)]
mod ip_tests {
    use super::*;

    #[test]
    fn ip_addresses() {
        for good in [
            "10.96.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "2001:db8::ffff",
            "::",
            "::1",
            "fe80::1:2",
            "1:2:3:4:5:6:7:8",
            "::ffff:10.0.0.1",
            "1::",
        ] {
            assert!(is_ip_address(good), "{good}");
        }
        for bad in [
            "",
            "10.96.0",
            "10.96.0.256",
            "10.96.0.1.2",
            "a.b.c.d",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "12345::",
            "None",
            "10.96.0.1 ",
        ] {
            assert!(!is_ip_address(bad), "{bad}");
        }
    }
}
