//! `-o name`: `kind.group/name` per object, `pod/web` for the core group.
//! Upstream: `staging/src/k8s.io/cli-runtime/pkg/printers/name.go`.

use crate::model::registry::ResourceType;

/// One line of the name printer.
pub fn name_line(resource_type: &ResourceType, name: &str) -> String {
    format!("{}/{name}\n", resource_type.group_kind_lower())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry::lookup_kind_name;

    #[test]
    fn names_carry_the_group() {
        assert_eq!(
            name_line(lookup_kind_name("Pod").unwrap(), "web"),
            "pod/web\n"
        );
        assert_eq!(
            name_line(lookup_kind_name("Deployment").unwrap(), "web"),
            "deployment.apps/web\n"
        );
        assert_eq!(
            name_line(lookup_kind_name("HorizontalPodAutoscaler").unwrap(), "web"),
            "horizontalpodautoscaler.autoscaling/web\n"
        );
    }
}
