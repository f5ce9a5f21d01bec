//! Names bound in nested function scopes: the [`FunctionScopes`] tree with what each scope binds.

use std::collections::HashMap;

use super::FunctionScopes;

/// What a name denotes where it is read, from the innermost scope outwards.
pub(crate) enum Resolution<'b, B> {
    /// Bound in a function (or lambda) around the reading scope.
    Local(&'b B),
    /// A parameter of a function around the reading scope.
    Parameter,
    /// Bound in the outermost scope (the module), or bound nowhere around.
    Global(Option<&'b B>),
}

/// The outermost scope of a [`BindingScopes`].
pub(crate) const MODULE_SCOPE: usize = 0;

/// Nested function scopes and the bindings of each; scope [`MODULE_SCOPE`] is the outermost one.
pub(crate) struct BindingScopes<'s, B> {
    functions: FunctionScopes<'s>,
    /// By scope index.
    bindings: Vec<HashMap<&'s str, B>>,
}

impl<'s, B> BindingScopes<'s, B> {
    /// Only the module scope.
    pub fn new() -> Self {
        let mut functions = FunctionScopes::default();
        functions.push(None, None, Vec::new());
        BindingScopes {
            functions,
            bindings: vec![HashMap::new()],
        }
    }

    /// Adds a function (or lambda) scope inside `parent`; its index.
    pub fn push(&mut self, parent: usize, name: Option<&'s str>, params: Vec<&'s str>) -> usize {
        self.bindings.push(HashMap::new());
        self.functions.push(Some(parent), name, params)
    }

    /// Binds `name` in `scope`, replacing what it was bound to there.
    pub fn bind(&mut self, scope: usize, name: &'s str, binding: B) {
        if let Some(bindings) = self.bindings.get_mut(scope) {
            bindings.insert(name, binding);
        }
    }

    /// Whether `scope` itself binds `name`.
    pub fn binds(&self, scope: usize, name: &str) -> bool {
        self.bindings
            .get(scope)
            .is_some_and(|bindings| bindings.contains_key(name))
    }

    /// What `name` denotes in `scope`: the innermost binding or parameter around it.
    pub fn resolve(&self, scope: usize, name: &str) -> Resolution<'_, B> {
        let scopes = std::iter::successors(Some(scope), |&s| self.functions.get(s)?.parent);
        for index in scopes {
            let (Some(function), Some(bindings)) =
                (self.functions.get(index), self.bindings.get(index))
            else {
                break;
            };
            if let Some(binding) = bindings.get(name) {
                return match function.parent {
                    None => Resolution::Global(Some(binding)),
                    Some(_) => Resolution::Local(binding),
                };
            }
            if function.params.contains(&name) {
                return Resolution::Parameter;
            }
        }
        Resolution::Global(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_from_the_innermost_scope_outwards() {
        let mut scopes = BindingScopes::new();
        scopes.bind(MODULE_SCOPE, "Flag", 1);
        let outer = scopes.push(MODULE_SCOPE, Some("forward"), vec!["apps"]);
        let inner = scopes.push(outer, None, vec!["name"]);
        scopes.bind(outer, "Flag", 2);
        scopes.bind(outer, "name", 3);
        assert!(matches!(
            scopes.resolve(inner, "Flag"),
            Resolution::Local(2)
        ));
        assert!(matches!(
            scopes.resolve(inner, "name"),
            Resolution::Parameter
        ));
        assert!(matches!(
            scopes.resolve(inner, "apps"),
            Resolution::Parameter
        ));
        assert!(matches!(
            scopes.resolve(MODULE_SCOPE, "Flag"),
            Resolution::Global(Some(1))
        ));
        assert!(matches!(
            scopes.resolve(inner, "other"),
            Resolution::Global(None)
        ));
        assert!(scopes.binds(outer, "name"));
        assert!(!scopes.binds(inner, "name"));
    }
}
