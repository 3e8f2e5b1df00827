/** Part file naming of the {@link FileSink}: `<prefix>-<writer uid>-<subtask>-<counter><suffix>`. */

/** Prefix and suffix of part file names. */
export class OutputFileConfig {
  /** Start of every part file name (default "part"). */
  readonly partPrefix: string;
  /** End of every part file name (default "", e.g. ".txt"). */
  readonly partSuffix: string;

  /** A config with `partPrefix` and `partSuffix` (prefer {@link OutputFileConfig.builder}). */
  constructor(partPrefix = "part", partSuffix = "") {
    checkNamePart("prefix", partPrefix);
    checkNamePart("suffix", partSuffix);
    if (partPrefix === "") throw new TypeError("OutputFileConfig: the part prefix cannot be empty");
    this.partPrefix = partPrefix;
    this.partSuffix = partSuffix;
  }

  /** A builder starting from the defaults. */
  static builder(): OutputFileConfigBuilder {
    return new OutputFileConfigBuilder();
  }
}

/** Builds an {@link OutputFileConfig}. */
export class OutputFileConfigBuilder {
  private prefix = "part";
  private suffix = "";
  /** Sets the part file name prefix. */
  withPartPrefix(prefix: string): this {
    this.prefix = prefix;
    return this;
  }
  /** Sets the part file name suffix. */
  withPartSuffix(suffix: string): this {
    this.suffix = suffix;
    return this;
  }
  /** The config. */
  build(): OutputFileConfig {
    return new OutputFileConfig(this.prefix, this.suffix);
  }
}

function checkNamePart(what: string, value: string): void {
  if (typeof value !== "string") {
    throw new TypeError(`OutputFileConfig: the part ${what} must be a string, got ${typeof value}`);
  }
  if (/[/\\\0]/.test(value)) {
    throw new TypeError(
      `OutputFileConfig: the part ${what} '${value}' cannot contain path separators or NUL`,
    );
  }
  if (what === "prefix" && value.startsWith(".")) {
    throw new TypeError(
      `OutputFileConfig: the part prefix '${value}' cannot start with '.' (hidden names are for in-progress files)`,
    );
  }
}
