"""Change sets of type CREATE, as `aws cloudformation deploy` uses them for a new stack:
CreateChangeSet makes the stack (REVIEW_IN_PROGRESS, empty) and a change set that takes
a moment to compute; ExecuteChangeSet has moto create the stack and plays the same
creation timeline as CreateStack. Change sets of other types (UPDATE, IMPORT) are moto's,
as are the requests about them."""

from .cfn import (STACK_TYPE, Stack, check_name, declared_parameters, dependencies,
                  moto_stack_info, parameters_xml, request_lists, request_xml)
from .motoctl import models
from .wire import ApiError, Response, el, iso, query_ok

CREATE_SECONDS = 8.0  # AWS computes a new stack's change set in a few seconds
REVIEW = "REVIEW_IN_PROGRESS"
# What of CreateChangeSet's request moto's CreateStack takes at execution.
STACK_FIELDS = ("Version", "StackName", "RoleARN")
STACK_LISTS = ("Parameters", "Capabilities", "Tags", "NotificationARNs")


class ChangeSet:
    def __init__(self, change_set_id, name, stack, params, body, template, now):
        self.change_set_id = change_set_id
        self.name = name
        self.stack = stack
        self.params = params  # the CreateChangeSet request's Query parameters
        self.body = body
        self.template = template
        self.created = now
        self.ready = now + CREATE_SECONDS / stack.speed
        self.executed = False
        self.deleted = False

    def status(self, now):
        """(Status, ExecutionStatus) now."""
        if now < self.ready:
            pending = now < self.created + (self.ready - self.created) / 4
            return ("CREATE_PENDING" if pending else "CREATE_IN_PROGRESS"), "UNAVAILABLE"
        if not self.executed:
            return "CREATE_COMPLETE", "AVAILABLE"
        if self.stack.status == "CREATE_IN_PROGRESS":
            return "CREATE_COMPLETE", "EXECUTE_IN_PROGRESS"
        created = any(e.rtype == STACK_TYPE and e.status == "CREATE_COMPLETE"
                      for e in self.stack.events)
        return "CREATE_COMPLETE", "EXECUTE_COMPLETE" if created else "EXECUTE_FAILED"


class ChangeSets:
    def __init__(self, world):
        self.world = world
        self.cfn = world.cfn
        self.sets = {}  # change set id -> ChangeSet, in creation order

    def _find(self, req):
        """The sandbox's change set that ChangeSetName (an ARN, or a name with StackName)
        names; None when it is none of the sandbox's (moto may know it)."""
        params = req.params
        ref, stack_ref = params.get("ChangeSetName", ""), params.get("StackName", "")
        account = self.world.moto.account_for(req.access_key)
        region = req.region
        for cs in self.sets.values():
            named = ref == cs.change_set_id or ref == cs.name and stack_ref in (
                cs.stack.stack_id, cs.stack.name)
            if named and not cs.deleted and cs.stack.status != "DELETE_COMPLETE" \
                    and (cs.stack.account, cs.stack.region) == (account, region):
                return cs
        if self.world.moto.knows_change_set(account, region, ref):
            return None
        raise ApiError(404, "ChangeSetNotFound", f"ChangeSet [{ref}] does not exist")

    def _review_stack(self, stack_ref):
        """The stack a CREATE change set made and nobody executed yet (moto has no copy)."""
        for stack in self.cfn.stacks.values():
            if stack.status == REVIEW and stack_ref in (stack.name, stack.stack_id):
                return stack
        return None

    # ----- CreateChangeSet -----
    def create_change_set(self, req, now):
        params = req.params
        name, cs_name = params.get("StackName", ""), params.get("ChangeSetName", "")
        kind = params.get("ChangeSetType") or "UPDATE"  # AWS's default; moto's is CREATE
        stack = next((s for s in self.cfn.stacks.values()
                      if name in (s.name, s.stack_id) and s.status != "DELETE_COMPLETE"), None)
        if kind == "UPDATE" and (stack is None or stack.status == REVIEW):
            raise ApiError(400, "ValidationError", f"Stack [{name}] does not exist"
                           if stack is None else f"Stack:{stack.stack_id} is in {REVIEW} "
                           "state and can not be updated.")
        if kind != "CREATE":
            status, headers, reply = self.cfn.post_to_moto(req, dict(params, ChangeSetType=kind))
            return Response(status, reply, headers)
        check_name(name, "stackName")
        check_name(cs_name, "changeSetName")
        if stack and stack.status != REVIEW:
            raise ApiError(400, "ValidationError",
                           f"Stack [{name}] already exists and cannot be created again with "
                           f"the changeSet [{cs_name}].")
        if stack and any(cs.stack is stack and cs.name == cs_name and not cs.deleted
                         for cs in self.sets.values()):
            raise ApiError(400, "AlreadyExistsException", f"ChangeSet [{cs_name}] already exists")
        account = self.world.moto.account_for(req.access_key)
        body, template, _ = self.cfn.checked_template(params, account, req.region)
        ids = models("cloudformation")
        if stack is None:
            stack = Stack(self.world.moto, ids.generate_stack_id(name, req.region, account),
                          name, params, template, self.world.scenario, self.world.speed,
                          account, req.region, self.world.texts)
            stack.launch_check = self.cfn.launch_check
            self.cfn.stacks[stack.stack_id] = stack
            stack.start_review(now)
        cs = ChangeSet(ids.generate_changeset_id(cs_name, req.region, account), cs_name, stack,
                       params, body, template, now)
        self.sets[cs.change_set_id] = cs
        return query_ok("cloudformation", "CreateChangeSet",
                        el("Id", cs.change_set_id) + el("StackId", stack.stack_id))

    # ----- ExecuteChangeSet -----
    def execute_change_set(self, req, now):
        cs = self._find(req)
        if cs is None:
            return self.world.forward(req)
        _, execution = cs.status(now)
        token = req.params.get("ClientRequestToken")
        if cs.executed and token and token == cs.stack.token:
            return query_ok("cloudformation", "ExecuteChangeSet", "")  # a retry
        if execution != "AVAILABLE":
            raise ApiError(400, "InvalidChangeSetStatus",
                           f"ChangeSet [{cs.change_set_id}] cannot be executed in its current "
                           f"execution status of [{execution}]")
        stack = cs.stack
        forwarded = {k: v for k, v in cs.params.items()
                     if k in STACK_FIELDS or k.split(".")[0] in STACK_LISTS}
        forwarded["Action"] = "CreateStack"
        with self.world.moto.stack_id_as(stack.stack_id):
            self.cfn.moto_create(req, forwarded, cs.body, stack.account)
        stack.configure(cs.params, cs.template)
        stack.load(moto_stack_info(self.world.moto, stack.account, stack.region,
                                   stack.stack_id, cs.template,
                                   dependencies(cs.template["Resources"]), cs.params))
        stack.change_set_id = cs.change_set_id
        stack.token = token or None
        stack.on_failure = "DO_NOTHING" if req.params.get("DisableRollback") == "true" \
            else cs.params.get("OnStackFailure") or "ROLLBACK"
        cs.executed = True
        for other in self.sets.values():  # AWS drops the stack's other change sets
            if other.stack is stack and other is not cs:
                other.deleted = True
        stack.start_create(now)
        return query_ok("cloudformation", "ExecuteChangeSet", "")

    # ----- reads and DeleteChangeSet -----
    def describe_change_set(self, req, now):
        cs = self._find(req)
        if cs is None:
            return self.world.forward(req)
        status, execution = cs.status(now)
        stack = cs.stack
        changes = "" if status != "CREATE_COMPLETE" else "".join(
            "<member><Type>Resource</Type><ResourceChange><Action>Add</Action>"
            + el("LogicalResourceId", lid) + el("ResourceType", body.get("Type"))
            + "<Scope/><Details/></ResourceChange></member>"
            for lid, body in cs.template["Resources"].items())
        return query_ok("cloudformation", "DescribeChangeSet",
                        el("ChangeSetName", cs.name) + el("ChangeSetId", cs.change_set_id)
                        + el("StackId", stack.stack_id) + el("StackName", stack.name)
                        + el("Description", cs.params.get("Description"))
                        + parameters_xml(declared_parameters(cs.template, cs.params))
                        + el("CreationTime", iso(cs.created))
                        + el("ExecutionStatus", execution) + el("Status", status)
                        + "<RollbackConfiguration/>" + request_xml(*request_lists(cs.params))
                        + f"<Changes>{changes}</Changes>"
                        + el("IncludeNestedStacks", False)
                        + el("OnStackFailure", cs.params.get("OnStackFailure")))

    def list_change_sets(self, req, now):
        stack_ref = req.params.get("StackName", "")
        mine = [cs for cs in self.sets.values() if not cs.deleted
                and cs.stack.status != "DELETE_COMPLETE"
                and stack_ref in (cs.stack.name, cs.stack.stack_id)]
        if not mine and not self._review_stack(stack_ref):
            return self.world.forward(req)
        rows = []
        for cs in mine:
            status, execution = cs.status(now)
            rows.append("<member>" + el("StackId", cs.stack.stack_id)
                        + el("StackName", cs.stack.name) + el("ChangeSetId", cs.change_set_id)
                        + el("ChangeSetName", cs.name) + el("ExecutionStatus", execution)
                        + el("Status", status) + el("CreationTime", iso(cs.created))
                        + el("Description", cs.params.get("Description"))
                        + el("IncludeNestedStacks", False) + "</member>")
        return query_ok("cloudformation", "ListChangeSets",
                        "<Summaries>%s</Summaries>" % "".join(rows))

    def delete_change_set(self, req, now):
        cs = self._find(req)
        if cs is None:
            return self.world.forward(req)
        _, execution = cs.status(now)
        if execution == "EXECUTE_IN_PROGRESS":
            raise ApiError(400, "InvalidChangeSetStatus",
                           f"Cannot delete ChangeSet in status {execution}")
        cs.deleted = True
        return query_ok("cloudformation", "DeleteChangeSet", "")
