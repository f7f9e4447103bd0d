namespace StyleGan.Configs;

/// <summary>What the synthesis network starts from: a learned 4x4 constant, or the traditional input (w through a dense layer to 4x4).</summary>
public enum SynthesisInput { Const, Dense }
