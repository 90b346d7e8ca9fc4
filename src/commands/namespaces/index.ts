// The namespace commands, one table: Use, Switch, Create, Delete, Edit Labels.
export { registerNamespaceCommands as registerNamespaceGroup } from './namespace-commands';
