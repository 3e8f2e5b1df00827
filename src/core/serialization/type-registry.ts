/** Classes whose instances keep their prototype across threads. */
/** A class registered with a {@link TypeRegistry}. */
export interface RegisteredType {
  readonly name: string;
  readonly ctor: new (...args: any[]) => unknown;
  readonly proto: object;
  /** True when the prototype chain has enumerable properties, so for-in would see more than own fields. */
  readonly needsOwnKeys: boolean;
}

/**
 * Classes whose instances may be serialized. An instance is written with its registered name and
 * its own enumerable fields and read back with `Object.create(ctor.prototype)` plus the fields, so
 * its methods work on the other side. Writer and reader must register the same names.
 */
export class TypeRegistry {
  private readonly byName = new Map<string, RegisteredType>();
  private readonly byProto = new Map<object, RegisteredType>();

  /** A registry holding every `name -> class` pair of `types`. */
  static from(types: Readonly<Record<string, new (...args: any[]) => unknown>>): TypeRegistry {
    const registry = new TypeRegistry();
    for (const name of Object.keys(types)) registry.register(name, types[name]!);
    return registry;
  }

  /** Registers `ctor` under `name`. Registering the same pair twice is allowed; conflicts throw. */
  register(name: string, ctor: new (...args: any[]) => unknown): this {
    if (typeof name !== "string" || name.length === 0)
      throw new TypeError("a registered type needs a non-empty name");
    if (
      typeof ctor !== "function" ||
      typeof ctor.prototype !== "object" ||
      ctor.prototype === null
    ) {
      throw new TypeError(`cannot register '${name}': it is not a class`);
    }
    const proto = ctor.prototype as object;
    const existing = this.byName.get(name);
    if (existing) {
      if (existing.ctor === ctor) return this;
      throw new TypeError(`a different class is already registered as '${name}'`);
    }
    const other = this.byProto.get(proto);
    if (other)
      throw new TypeError(`class ${ctor.name || name} is already registered as '${other.name}'`);
    let needsOwnKeys = false;
    for (const _ in Object.create(proto)) {
      needsOwnKeys = true;
      break;
    }
    const entry: RegisteredType = { name, ctor, proto, needsOwnKeys };
    this.byName.set(name, entry);
    this.byProto.set(proto, entry);
    return this;
  }

  /** The class registered under `name`, if any. */
  get(name: string): (new (...args: any[]) => unknown) | undefined {
    return this.byName.get(name)?.ctor;
  }

  /** The registered name of `ctor`, if it is registered. */
  nameOf(ctor: new (...args: any[]) => unknown): string | undefined {
    return this.byProto.get(ctor.prototype as object)?.name;
  }

  /** @internal The registration of the class whose prototype is `proto`. */
  lookupProto(proto: object): RegisteredType | undefined {
    return this.byProto.get(proto);
  }

  /** @internal The registration under `name`. */
  lookupName(name: string): RegisteredType | undefined {
    return this.byName.get(name);
  }
}
