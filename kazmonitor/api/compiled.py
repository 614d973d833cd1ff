"""Serializers compiled once per class: the hot path of every list, detail and export.

DRF rebuilds a serializer's fields on every request (deep copies, and model
introspection for a ``ModelSerializer``) and then, per row and field, walks
``get_attribute``/``to_representation`` through several layers. ``CompiledSerializer``
keeps the same output but:

- builds the fields once per class (on a prototype) and compiles each into a
  ``(name, getter, representation)`` entry;
- reads plain model attributes with ``getattr`` and prefetched relations from the
  prefetch cache (no related manager per row);
- binds, once per serializer instance, only what needs the request context (URLs,
  the reader's level, method fields, nested serializers): a field may offer
  ``fast_representation(context)`` returning a plain function, otherwise a shallow
  copy of the prototype field is bound to the live serializer;
- unrolls DRF's per-field loop into Python source compiled once per class.

Whatever it does not know falls back to DRF's own code for that field, with
DRF's semantics (``SkipField``, ``None`` short-cut, callables)."""

import copy
import operator
from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import ManyToManyField
from django.db.models.manager import BaseManager
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import SkipField

SKIP = object()
_PLANS: dict[type, list | None] = {}
_FACTORIES: dict[type, object] = {}
_LIVE = "_compiled_entries"

# Field classes whose ``to_representation`` reads nothing but its value and the
# field's own settings (never the context, the parent or the root).
_CONTEXT_FREE = (
    drf_fields.BooleanField,
    drf_fields.CharField,
    drf_fields.ChoiceField,
    drf_fields.DateField,
    drf_fields.DateTimeField,
    drf_fields.DecimalField,
    drf_fields.DurationField,
    drf_fields.FloatField,
    drf_fields.IntegerField,
    drf_fields.TimeField,
    drf_fields.UUIDField,
)


class CompiledSerializer:
    """Mixin for ``serializers.Serializer`` subclasses: the same representation as
    ``Serializer.to_representation``, computed from a plan compiled once per class."""

    def to_representation(self, instance):
        represent = self.__dict__.get(_LIVE)
        if represent is None:
            represent = self.__dict__[_LIVE] = bind(self)
        if represent is False or isinstance(instance, Mapping):  # DRF reads dicts by key
            return super().to_representation(instance)
        return represent(instance)


def bind(serializer):
    """``serializer``'s representation as one function of the instance, or ``False``
    when its class cannot be compiled (DRF's path is used then)."""
    plan = plan_of(type(serializer))
    if plan is None:
        return False
    context = serializer.context
    parts = []
    for _name, get, make_rep in plan:
        parts += [get, make_rep(serializer, context)]
    return _factory_of(type(serializer), plan)(*parts)


def _factory_of(cls, plan):
    """Python source for ``Serializer.to_representation``'s loop unrolled over the
    plan's fields (the same steps: ``SkipField`` leaves the key out, ``None`` stays
    ``None``), compiled once per class."""
    try:
        return _FACTORIES[cls]
    except KeyError:
        pass
    lines = []
    for i, (name, get, _make_rep) in enumerate(plan):
        if get is _whole:
            lines.append(f"ret[{name!r}] = None if instance is None else r{i}(instance)")
        else:
            lines.append(f"v = g{i}(instance)")
            lines.append(f"if v is not SKIP: ret[{name!r}] = None if v is None else r{i}(v)")
    arguments = ", ".join(f"g{i}, r{i}" for i in range(len(plan)))
    body = "\n".join(f"        {line}" for line in ["ret = {}", *lines, "return ret"])
    source = f"def factory({arguments}):\n    def represent(instance):\n{body}\n    return represent\n"
    namespace = {"SKIP": SKIP}
    exec(compile(source, f"<compiled {cls.__module__}.{cls.__qualname__}>", "exec"), namespace)  # noqa: S102
    _FACTORIES[cls] = factory = namespace["factory"]
    return factory


def plan_of(cls) -> list | None:
    try:
        return _PLANS[cls]
    except KeyError:
        pass
    _PLANS[cls] = plan = _compile(cls)
    return plan


def _compile(cls) -> list | None:
    if cls.get_fields not in (serializers.Serializer.get_fields, serializers.ModelSerializer.get_fields):
        return None  # fields that may differ per request or instance: DRF's path
    prototype = cls()
    model = getattr(getattr(cls, "Meta", None), "model", None)
    plan = []
    for field in prototype._readable_fields:
        entry = _compile_field(field, model)
        if entry is None:
            return None
        plan.append((field.field_name, *entry))
    return plan


def _compile_field(field, model):
    fast = getattr(field, "fast_representation", None)
    if isinstance(field, serializers.ListSerializer):
        getter = _getter(field, model, many=True)
        child_fast = getattr(field.child, "fast_representation", None)
        if child_fast is not None:
            return getter, _many(lambda live, context: child_fast(context))
        return getter, _many(lambda live, context: _live_copy(field.child, context).to_representation)
    if fast is not None:
        return _getter(field, model), lambda live, context: fast(context)
    if isinstance(field, serializers.BaseSerializer):
        return _getter(field, model), lambda live, context: _live_copy(field, context).to_representation
    if isinstance(field, relations.ManyRelatedField) and isinstance(field.child_relation, relations.SlugRelatedField):
        slug = operator.attrgetter(field.child_relation.slug_field.replace("__", "."))
        getter = _getter(field, model, many=True, pk_guard=True)
        return getter, _many(lambda live, context: slug)
    if isinstance(field, relations.RelatedField | relations.ManyRelatedField):
        return None  # hyperlinks, primary keys: rare here, and context-bound
    if type(field).to_representation is drf_fields.CharField.to_representation:
        return _getter(field, model), lambda live, context: str
    if type(field).to_representation is drf_fields.IntegerField.to_representation:
        return _getter(field, model), lambda live, context: int
    if isinstance(field, _CONTEXT_FREE) and _inherits_representation(field):
        rep = field.to_representation
        return _getter(field, model), lambda live, context: rep
    return _getter(field, model), lambda live, context: _bound_copy(field, live).to_representation


def _inherits_representation(field) -> bool:
    """``to_representation`` is DRF's own, not overridden by a subclass of ours."""
    method = type(field).to_representation
    return method.__module__ == drf_fields.__name__


def _many(make_item):
    def make_rep(live, context):
        item = make_item(live, context)

        def rep(data):
            if isinstance(data, BaseManager):
                data = data.all()
            return [item(value) for value in data]

        return rep

    return make_rep


def _live_copy(serializer, context):
    """A copy of a prototype nested serializer that reads ``context`` as its own."""
    live = copy.copy(serializer)
    for name in ("fields", _LIVE, "_data"):
        live.__dict__.pop(name, None)
    live.parent = None
    live._context = context
    return live


def _bound_copy(field, live):
    bound = copy.copy(field)
    bound.parent = live
    return bound


def _generic_getter(field):
    get_attribute = field.get_attribute

    def getter(instance):
        try:
            value = get_attribute(instance)
        except SkipField:
            return SKIP
        if isinstance(value, relations.PKOnlyObject) and value.pk is None:
            return None
        return value

    return getter


def _whole(instance):
    return instance


def _getter(field, model, many=False, pk_guard=False):
    """``field.get_attribute`` with DRF's semantics; a plain ``getattr`` when the
    source is one attribute of the model (a field or a property)."""
    if field.source == "*" and type(field).get_attribute is drf_fields.Field.get_attribute:
        return _whole
    generic = _generic_getter(field)
    if len(field.source_attrs) != 1:
        return generic
    attr = field.source_attrs[0]
    if model is None:  # a plain serializer (of model instances or other objects)
        return _plain_getter(attr, generic) if type(field).get_attribute is drf_fields.Field.get_attribute else generic
    try:
        model_field = model._meta.get_field(attr)
    except FieldDoesNotExist:
        if isinstance(getattr(model, attr, None), property) and not many:
            return _attribute_getter(attr, generic)
        return generic
    if many:
        cache_name = _prefetch_cache_name(model_field, attr)
        if cache_name is None:
            return generic
        return _prefetched_getter(attr, cache_name, generic, pk_guard)
    if not model_field.concrete or model_field.many_to_many:
        return generic
    if not model_field.is_relation:
        return operator.attrgetter(attr)  # a column: always there (or loaded on access)
    return _attribute_getter(attr, generic)


def _attribute_getter(attr, generic):
    def getter(instance):
        try:
            return getattr(instance, attr)
        except ObjectDoesNotExist:
            return None
        except (KeyError, AttributeError):
            return generic(instance)

    return getter


def _plain_getter(attr, generic):
    """``getattr``; anything DRF treats specially (a missing attribute, a callable it
    would call) goes the generic way."""

    def getter(instance):
        try:
            value = getattr(instance, attr)
        except Exception:  # noqa: BLE001 - DRF's own handling decides
            return generic(instance)
        return generic(instance) if callable(value) else value

    return getter


def _prefetch_cache_name(model_field, attr):
    """Where ``prefetch_related(attr)`` keeps its rows on an instance, for a forward
    many-to-many field; ``None`` for other relations (read the generic way)."""
    if isinstance(model_field, ManyToManyField) and model_field.name == attr:
        return attr
    return None


def _prefetched_getter(attr, cache_name, generic, pk_guard):
    def getter(instance):
        cache = instance.__dict__.get("_prefetched_objects_cache")
        if cache is not None and cache_name in cache:
            if pk_guard and instance.pk is None:
                return []
            return cache[cache_name]
        return generic(instance)

    return getter
