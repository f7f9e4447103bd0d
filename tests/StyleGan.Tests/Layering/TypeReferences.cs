using System.Reflection;
using System.Reflection.Emit;

namespace StyleGan.Tests.Layering;

/// <summary>
/// The types a compiled type uses: its base type and interfaces, the types of its fields, properties, method and
/// constructor signatures, and every type, method and field its method bodies name (read from the IL). Nested and
/// generic types count as the types they are made of.
/// </summary>
public static class TypeReferences
{
    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!).ToDictionary(code => code.Value);

    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every type <paramref name="type"/> uses, as named types (generic definitions, element types).</summary>
    public static HashSet<Type> Of(Type type)
    {
        var used = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null) return;
            if (t.HasElementType) { Add(t.GetElementType()); return; }
            if (t.IsGenericParameter) return;
            if (t.IsGenericType)
            {
                foreach (var argument in t.GetGenericArguments()) Add(argument);
                t = t.GetGenericTypeDefinition();
            }
            used.Add(t);
        }
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var field in type.GetFields(Declared)) Add(field.FieldType);
        foreach (var property in type.GetProperties(Declared)) Add(property.PropertyType);
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info) Add(info.ReturnType);
            foreach (var parameter in method.GetParameters()) Add(parameter.ParameterType);
            foreach (var local in method.GetMethodBody()?.LocalVariables ?? []) Add(local.LocalType);
            foreach (var member in BodyReferences(method)) Add(member);
        }
        return used;
    }

    // The declaring types of the methods and fields, and the types, that the IL of a method names.
    static IEnumerable<Type?> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var code = OpCodesByValue[value];
            int size = code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (code.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                int token = BitConverter.ToInt32(il, i);
                MemberInfo? member = null;
                try { member = module.ResolveMember(token, typeArguments, methodArguments); }
                catch (ArgumentException) { } // a member of a generic context this method does not have
                yield return member switch
                {
                    Type t => t,
                    MethodBase m => m.DeclaringType,
                    FieldInfo f => f.DeclaringType,
                    _ => null,
                };
                if (member is MethodInfo called) yield return called.ReturnType;
                if (member is FieldInfo field) yield return field.FieldType;
            }
            i += size;
        }
    }
}
