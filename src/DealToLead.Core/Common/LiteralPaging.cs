using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Common;

/// <summary>
/// <c>Skip</c> and <c>Take</c> with their counts written into the SQL instead of sent as parameters. PostgreSQL
/// plans a prepared <c>LIMIT $1</c> for a tenth of the table, so the generic plan of a page looks far costlier than
/// its custom plans and the statement is planned again on every execution (docs/decisions/0028).
/// </summary>
public static class LiteralPaging
{
    private static readonly MethodInfo Skip = new Func<IQueryable<object>, int, IQueryable<object>>(Queryable.Skip).Method.GetGenericMethodDefinition();
    private static readonly MethodInfo Take = new Func<IQueryable<object>, int, IQueryable<object>>(Queryable.Take).Method.GetGenericMethodDefinition();
    private static readonly MethodInfo Constant = typeof(EF).GetMethod(nameof(EF.Constant))!.MakeGenericMethod(typeof(int));

    public static IQueryable<T> SkipLiteral<T>(this IQueryable<T> source, int count) => Call(source, Skip, count);

    public static IQueryable<T> TakeLiteral<T>(this IQueryable<T> source, int count) => Call(source, Take, count);

    // EF.Constant only takes effect inside the expression tree; Queryable.Take(source, n) would evaluate it at once.
    private static IQueryable<T> Call<T>(IQueryable<T> source, MethodInfo method, int count) =>
        source.Provider.CreateQuery<T>(Expression.Call(method.MakeGenericMethod(typeof(T)), source.Expression,
            Expression.Call(Constant, Expression.Constant(count))));
}
