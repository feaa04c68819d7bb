//! Typed API errors that print as the API server's `metav1.Status` messages.
//!
//! Upstream: `staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go`, and kubectl's
//! rendering in `staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go` (`StandardErrorMessage`).

use crate::model::validation::FieldError;

/// An error the API server returns. `Display` is the status message; kubectl's
/// rendering (`Error from server (NotFound): ...`) is [`ApiError::kubectl_message`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// 404: `deployments.apps "web" not found`.
    #[error("{resource} \"{name}\" not found")]
    NotFound { resource: String, name: String },
    /// 409: `pods "web" already exists`.
    #[error("{resource} \"{name}\" already exists")]
    AlreadyExists { resource: String, name: String },
    /// 409: a stale resourceVersion or a failed precondition.
    #[error("Operation cannot be fulfilled on {resource} \"{name}\": {detail}")]
    Conflict {
        resource: String,
        name: String,
        detail: String,
    },
    /// 422: validation failed. `qualified_kind` is `Deployment.apps` (or `Pod` for core).
    #[error("{qualified_kind} \"{name}\" is invalid: {}", aggregate(.causes))]
    Invalid {
        kind: String,
        qualified_kind: String,
        name: String,
        causes: Vec<FieldError>,
    },
    /// 400.
    #[error("{0}")]
    BadRequest(String),
    /// 403, e.g. creating in a namespace that is being terminated.
    #[error("{0}")]
    Forbidden(String),
    /// 410: a watch from a compacted resourceVersion.
    #[error("too old resource version: {requested} ({oldest})")]
    Gone { requested: u64, oldest: u64 },
    /// 405.
    #[error("{0}")]
    MethodNotAllowed(String),
}

/// `utilerrors.NewAggregate(...).Error()`: one error as is, several as `[a, b]`.
fn aggregate(causes: &[FieldError]) -> String {
    match causes {
        [single] => single.to_string(),
        _ => format!(
            "[{}]",
            causes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl ApiError {
    /// The `metav1.StatusReason`.
    pub fn reason(&self) -> &'static str {
        match self {
            ApiError::NotFound { .. } => "NotFound",
            ApiError::AlreadyExists { .. } => "AlreadyExists",
            ApiError::Conflict { .. } => "Conflict",
            ApiError::Invalid { .. } => "Invalid",
            ApiError::BadRequest(_) => "BadRequest",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::Gone { .. } => "Expired",
            ApiError::MethodNotAllowed(_) => "MethodNotAllowed",
        }
    }

    /// The HTTP status code the API server would answer with.
    pub fn code(&self) -> u16 {
        match self {
            ApiError::NotFound { .. } => 404,
            ApiError::AlreadyExists { .. } | ApiError::Conflict { .. } => 409,
            ApiError::Invalid { .. } => 422,
            ApiError::BadRequest(_) => 400,
            ApiError::Forbidden(_) => 403,
            ApiError::Gone { .. } => 410,
            ApiError::MethodNotAllowed(_) => 405,
        }
    }

    /// The error as kubectl prints it. Invalid objects read
    /// `The Deployment "web" is invalid: spec.replicas: Invalid value: -1: ...`;
    /// everything else reads `Error from server (NotFound): pods "x" not found`.
    pub fn kubectl_message(&self) -> String {
        match self {
            ApiError::Invalid {
                kind, name, causes, ..
            } => {
                format!("The {kind} \"{name}\" is invalid: {}", aggregate(causes))
            }
            _ => format!("Error from server ({}): {self}", self.reason()),
        }
    }

    /// The stale-resourceVersion conflict (`errors.NewConflict` with the registry's message).
    pub fn stale(resource: &str, name: &str) -> ApiError {
        ApiError::Conflict {
            resource: resource.to_string(),
            name: name.to_string(),
            detail: "the object has been modified; please apply your changes to the latest version and try again"
                .to_string(),
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::NotFound { .. })
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, ApiError::Conflict { .. })
    }

    pub fn is_already_exists(&self) -> bool {
        matches!(self, ApiError::AlreadyExists { .. })
    }
}
